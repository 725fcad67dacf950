using System.Net.Http.Json;
using BazaarCstd.Contracts;
using BazaarCstd.Contracts.Auth;
using BazaarCstd.IntegrationTests.Accounts;
using BazaarCstd.IntegrationTests.Infrastructure;
using Npgsql;

namespace BazaarCstd.IntegrationTests.Alerts;

/// <summary>
/// What the alert and event tests need beyond <c>InventoryApi</c>: users of a role assigned to
/// given stores (made through the admin API), and the database owner's connection, to seed what
/// only the Worker writes (alerts, dead letters) and to count what the API wrote.
/// </summary>
public sealed class StoreAccounts(BazaarAppFixture fixture)
{
    private const string Password = "alerts passphrase 2026";

    public async Task<HttpClient> UserAsync(string role, params Guid[] stores)
    {
        var email = $"{role.ToLowerInvariant()}-{Guid.NewGuid():N}@example.com";
        using var anonymous = fixture.Accounts.Anonymous();
        using var registered = await anonymous.PostAsJsonAsync("/api/auth/register", new RegisterRequest(email, Password, role));
        Assert.Equal(HttpStatusCode.Accepted, registered.StatusCode);
        using var admin = fixture.CreateApiClient();
        var id = await admin.UserIdAsync(email);
        using var roles = await admin.PutAsJsonAsync($"/api/users/{id}/roles", new UserRolesRequest([role]));
        Assert.Equal(HttpStatusCode.OK, roles.StatusCode);
        using var assigned = await admin.PutAsJsonAsync($"/api/users/{id}/stores", new UserStoresRequest(stores));
        Assert.Equal(HttpStatusCode.OK, assigned.StatusCode);
        return fixture.Accounts.As(email, Password);
    }

    public async Task<NpgsqlDataSource> OwnerAsync() =>
        NpgsqlDataSource.Create(await fixture.App.GetConnectionStringAsync(ResourceNames.BazaarDb)
            ?? throw new InvalidOperationException("No connection string for the database owner."));

    /// <summary>Counts the outbox rows of one type for a (store, product).</summary>
    public async Task<long> EventCountAsync(string type, Guid storeId, Guid productId)
    {
        await using var db = await OwnerAsync();
        await using var command = db.CreateCommand("SELECT count(*) FROM bazaar.inventory_events WHERE type = $1 AND store_id = $2 AND product_id = $3");
        command.Parameters.AddWithValue(type);
        command.Parameters.AddWithValue(storeId);
        command.Parameters.AddWithValue(productId);
        return (long)(await command.ExecuteScalarAsync())!;
    }
}
