using System.Net.Http.Json;
using BazaarCstd.Contracts;
using BazaarCstd.Contracts.Catalog;
using BazaarCstd.Contracts.Stock;
using BazaarCstd.IntegrationTests.Infrastructure;
using BazaarCstd.IntegrationTests.Inventory;
using Npgsql;

namespace BazaarCstd.IntegrationTests.Maintenance;

/// <summary>
/// If this month's audit partition is missing (the Worker has not run for months, or someone
/// detached it), a write cannot be stored: the client gets a 503 problem with Retry-After instead
/// of a 500, and nothing is half-written. The partition is detached for the test and put back.
/// </summary>
[Collection(BazaarAppCollection.Name)]
public sealed class MissingPartitionTests(BazaarAppFixture fixture)
{
    [Fact]
    public async Task Writes_without_storage_for_this_month_are_503_and_change_nothing()
    {
        var api = new InventoryApi(fixture);
        var store = await api.NewStoreAsync();
        var product = await api.NewProductAsync();
        await api.AddStockAsync(store.Id, product.Id, 5);
        var movements = (await api.MovementsAsync(store.Id)).Count;
        var sku = $"SKU-{Guid.NewGuid():N}";

        await using var database = NpgsqlDataSource.Create((await fixture.App.GetConnectionStringAsync(ResourceNames.BazaarDb))!);
        var (partition, bound) = await CurrentAuditPartitionAsync(database);
        await database.CreateCommand($"ALTER TABLE bazaar.audit_logs DETACH PARTITION bazaar.{partition}").ExecuteNonQueryAsync();
        try
        {
            using (var sale = await api.Http.PostAsJsonAsync("/api/stock/sale", new MovementRequest(store.Id, product.Id, null, 1)))
            {
                await AssertStorageNotReadyAsync(sale);
            }

            using (var created = await api.Http.PostAsJsonAsync("/api/products", new ProductRequest(sku, "Never stored", "Testing", "each", 1m)))
            {
                await AssertStorageNotReadyAsync(created);
            }
        }
        finally
        {
            await database.CreateCommand($"ALTER TABLE bazaar.audit_logs ATTACH PARTITION bazaar.{partition} {bound}").ExecuteNonQueryAsync();
        }

        Assert.Equal(5m, await api.OnHandAsync(store.Id, product.Id));
        Assert.Equal(movements, (await api.MovementsAsync(store.Id)).Count);
        var page = await api.Http.GetFromJsonAsync<Page<Product>>($"/api/products?q={sku}");
        Assert.DoesNotContain(page!.Items, p => p.Sku == sku);

        // With the partition back, the same sale goes through.
        using var again = await api.Http.PostAsJsonAsync("/api/stock/sale", new MovementRequest(store.Id, product.Id, null, 1));
        Assert.Equal(HttpStatusCode.Created, again.StatusCode);
    }

    private static async Task AssertStorageNotReadyAsync(HttpResponseMessage response)
    {
        var problem = await InventoryApi.AssertProblem(response, HttpStatusCode.ServiceUnavailable);
        Assert.Equal("https://bazaar.example/problems/storage-not-ready", problem.GetProperty("type").GetString());
        Assert.NotNull(response.Headers.RetryAfter);
    }

    private static async Task<(string Name, string Bound)> CurrentAuditPartitionAsync(NpgsqlDataSource database)
    {
        await using var command = database.CreateCommand("""
            SELECT c.relname, pg_get_expr(c.relpartbound, c.oid)
            FROM pg_inherits i JOIN pg_class c ON c.oid = i.inhrelid
            WHERE i.inhparent = 'bazaar.audit_logs'::regclass
              AND c.relname = format('audit_logs_y%sm%s', to_char(now(), 'YYYY'), to_char(now(), 'MM'))
            """);
        await using var reader = await command.ExecuteReaderAsync();
        Assert.True(await reader.ReadAsync(), "This month's audit partition is missing before the test.");
        return (reader.GetString(0), reader.GetString(1));
    }
}
