using System.Net.Http.Json;
using System.Text.Json;
using BazaarCstd.Contracts;
using BazaarCstd.Contracts.Catalog;
using BazaarCstd.Contracts.Stock;
using BazaarCstd.Contracts.Stores;
using BazaarCstd.IntegrationTests.Infrastructure;
using Npgsql;

namespace BazaarCstd.IntegrationTests.Inventory;

/// <summary>Test-side helpers that make their own stores and products through the real API.</summary>
public sealed class InventoryApi(AppFixture fixture)
{
    public HttpClient Http { get; } = fixture.CreateApiClient();

    public async Task<Store> NewStoreAsync()
    {
        var code = $"T-{Guid.NewGuid():N}"[..20];
        using var response = await Http.PostAsJsonAsync("/api/stores", new StoreRequest(code, $"Test store {code}"));
        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        return (await response.Content.ReadFromJsonAsync<Store>())!;
    }

    public async Task<Product> NewProductAsync(string unit = "each", decimal? reorderPoint = null)
    {
        var sku = $"SKU-{Guid.NewGuid():N}";
        using var response = await Http.PostAsJsonAsync("/api/products", new ProductRequest(sku, "Test product", "Testing", unit, 2.50m, ReorderPoint: reorderPoint));
        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        return (await response.Content.ReadFromJsonAsync<Product>())!;
    }

    /// <summary>A new store and product with <paramref name="quantity"/> on its shelf.</summary>
    public async Task<(Store Store, Product Product)> StockedAsync(decimal quantity)
    {
        var store = await NewStoreAsync();
        var product = await NewProductAsync();
        await AddStockAsync(store.Id, product.Id, quantity);
        return (store, product);
    }

    public async Task AddStockAsync(Guid storeId, Guid productId, decimal quantity, DateTimeOffset? occurredAt = null)
    {
        using var response = await Http.PostAsJsonAsync("/api/stock/add", new MovementRequest(storeId, productId, null, quantity, OccurredAt: occurredAt));
        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
    }

    public async Task<decimal> OnHandAsync(Guid storeId, Guid productId, DateTimeOffset? asOf = null)
    {
        var url = $"/api/stock/current?storeId={storeId}&productId={productId}" + (asOf is { } at ? $"&asOf={Uri.EscapeDataString(at.ToString("O"))}" : "");
        var page = await Http.GetFromJsonAsync<Page<StockRow>>(url);
        return page!.Items.SingleOrDefault()?.OnHand ?? 0m;
    }

    public async Task<List<Movement>> MovementsAsync(Guid storeId)
    {
        var all = new List<Movement>();
        string? cursor = null;
        do
        {
            var page = await Http.GetFromJsonAsync<Page<Movement>>(
                $"/api/stock/movements?storeId={storeId}&limit=500" + (cursor is null ? "" : $"&cursor={cursor}"));
            all.AddRange(page!.Items);
            cursor = page.NextCursor;
        }
        while (cursor is not null);

        return all;
    }

    /// <summary>
    /// Shelves whose level disagrees with the ledger, plus stock snapshots that disagree with it
    /// (<c>verify_stock_levels</c>, <c>verify_stock_snapshots</c>): 0 when both are exact.
    /// </summary>
    public async Task<int> InconsistentLevelsAsync()
    {
        await using var db = NpgsqlDataSource.Create((await fixture.App.GetConnectionStringAsync(ResourceNames.BazaarDb))!);
        return Convert.ToInt32(await db.CreateCommand(
            "SELECT (SELECT count(*) FROM bazaar.verify_stock_levels()) + (SELECT count(*) FROM bazaar.verify_stock_snapshots())").ExecuteScalarAsync());
    }

    /// <summary>Asserts an RFC 9457 problem response with the expected status and no stack trace.</summary>
    public static async Task<JsonElement> AssertProblem(HttpResponseMessage response, HttpStatusCode expected, string? because = null)
    {
        var text = await response.Content.ReadAsStringAsync();
        Assert.True(expected == response.StatusCode, $"{because}: expected {expected}, got {response.StatusCode}: {text}");
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        Assert.DoesNotContain("   at ", text);
        var problem = JsonDocument.Parse(text).RootElement.Clone();
        Assert.Equal((int)expected, problem.GetProperty("status").GetInt32());
        Assert.True(problem.TryGetProperty("traceId", out _));
        return problem;
    }
}
