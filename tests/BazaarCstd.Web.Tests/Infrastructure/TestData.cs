using System.Net.Http.Json;
using BazaarCstd.Contracts;
using BazaarCstd.Contracts.Auth;
using BazaarCstd.Contracts.Catalog;
using BazaarCstd.Contracts.Stock;
using BazaarCstd.Contracts.Stores;

namespace BazaarCstd.Web.Tests.Infrastructure;

/// <summary>Makes a test's own stores, products, stock and users through the API as the administrator.</summary>
public sealed class TestData(ApiAccounts accounts)
{
    public const string Password = "Dashboard!Test-2026";

    /// <summary>A short unique tag: every SKU, store code and email of one test starts with it.</summary>
    public static string NewTag() => "T" + Guid.NewGuid().ToString("N")[..8].ToUpperInvariant();

    public async Task<Store> StoreAsync(string code, string? timezone = null)
    {
        using var admin = accounts.Admin();
        using var response = await admin.PostAsJsonAsync("/api/stores", new StoreRequest(code, $"Store {code}", timezone));
        await EnsureAsync(response);
        return (await response.Content.ReadFromJsonAsync<Store>())!;
    }

    public async Task<Product> ProductAsync(string sku, string name, decimal reorderPoint = 5, string category = "Test")
    {
        using var admin = accounts.Admin();
        using var response = await admin.PostAsJsonAsync("/api/products",
            new ProductRequest(sku, name, category, "each", 1.50m, null, null, reorderPoint));
        await EnsureAsync(response);
        return (await response.Content.ReadFromJsonAsync<Product>())!;
    }

    public async Task StockInAsync(Guid storeId, Guid productId, decimal quantity)
    {
        using var admin = accounts.Admin();
        using var response = await admin.PostAsJsonAsync("/api/stock/add", new MovementRequest(storeId, productId, null, quantity));
        await EnsureAsync(response);
    }

    /// <summary>A sale recorded through the API, as a till would; <paramref name="occurredAt"/> backdates it (a till that was offline).</summary>
    public async Task SaleAsync(Guid storeId, Guid productId, decimal quantity, DateTimeOffset? occurredAt = null)
    {
        using var admin = accounts.Admin();
        using var response = occurredAt is null
            ? await admin.PostAsJsonAsync("/api/stock/sale", new MovementRequest(storeId, productId, null, quantity))
            : await admin.PostAsJsonAsync("/api/stock/batch", new BatchRequest([new BatchLine(MovementKinds.Sale, storeId, productId, null, quantity, OccurredAt: occurredAt)]));
        await EnsureAsync(response);
    }

    /// <summary>A user with the given role and stores; signs in with <see cref="Password"/>.</summary>
    public async Task<string> UserAsync(string tag, string role, params Guid[] stores)
    {
        var email = $"{tag.ToLowerInvariant()}-{role.ToLowerInvariant()}@dashboard.test";
        using var anonymous = accounts.Anonymous();
        using var registered = await anonymous.PostAsJsonAsync("/api/auth/register", new RegisterRequest(email, Password, $"{role} {tag}"));
        await EnsureAsync(registered);

        // Registration answers alike for new and existing emails (no id): find the account as an admin does.
        using var admin = accounts.Admin();
        var user = Assert.Single((await admin.GetFromJsonAsync<Page<UserProfile>>($"/api/users?email={Uri.EscapeDataString(email)}"))!.Items);
        using var roles = await admin.PutAsJsonAsync($"/api/users/{user.Id}/roles", new UserRolesRequest([role]));
        await EnsureAsync(roles);
        using var assigned = await admin.PutAsJsonAsync($"/api/users/{user.Id}/stores", new UserStoresRequest(stores));
        await EnsureAsync(assigned);
        return email;
    }

    private static async Task EnsureAsync(HttpResponseMessage response) =>
        Assert.True(response.IsSuccessStatusCode,
            $"{response.RequestMessage?.Method} {response.RequestMessage?.RequestUri}: {(int)response.StatusCode} {await response.Content.ReadAsStringAsync()}");
}
