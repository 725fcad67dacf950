using System.Text.Json.Nodes;
using BazaarCstd.Api.Infrastructure;
using BazaarCstd.Api.Stock;
using BazaarCstd.IntegrationTests.Infrastructure;
using Npgsql;

namespace BazaarCstd.IntegrationTests.Inventory;

/// <summary>
/// The write-path rule (DESIGN.md §3): a sale, or a whole batch, is one database round trip. Counted
/// from Npgsql's own tracing around the API's <see cref="StockLedger"/>, on a data source of the test's own.
/// </summary>
[Collection(BazaarAppCollection.Name)]
public sealed class SaleRoundTripTests(BazaarAppFixture fixture)
{
    private readonly InventoryApi _api = new(fixture);

    [Fact]
    public async Task A_sale_is_one_database_command()
    {
        var store = await _api.NewStoreAsync();
        var product = await _api.NewProductAsync();
        await _api.AddStockAsync(store.Id, product.Id, 5);
        await using var counter = await DatabaseCommandCounter.CreateAsync(fixture);

        var commands = await counter.CommandsSentByAsync(db => RecordAsync(db, Line("sale", store.Id, product.Id, 1)));

        Assert.Single(commands);
        Assert.Equal(4m, await _api.OnHandAsync(store.Id, product.Id));
    }

    [Fact]
    public async Task A_three_line_batch_is_one_database_command()
    {
        var store = await _api.NewStoreAsync();
        var soap = await _api.NewProductAsync();
        var rice = await _api.NewProductAsync(unit: "kg");
        var salt = await _api.NewProductAsync();
        await _api.AddStockAsync(store.Id, soap.Id, 5);
        await _api.AddStockAsync(store.Id, rice.Id, 10);
        await using var counter = await DatabaseCommandCounter.CreateAsync(fixture);

        var commands = await counter.CommandsSentByAsync(db => RecordAsync(db,
            Line("sale", store.Id, soap.Id, 2),
            Line("sale", store.Id, rice.Id, 1.5m),
            Line("stock_in", store.Id, salt.Id, 12)));

        Assert.Single(commands);
        Assert.Equal(3m, await _api.OnHandAsync(store.Id, soap.Id));
        Assert.Equal(8.5m, await _api.OnHandAsync(store.Id, rice.Id));
        Assert.Equal(12m, await _api.OnHandAsync(store.Id, salt.Id));
    }

    // The only place these tests know how the ledger is built and called.
    private static Task RecordAsync(NpgsqlDataSource database, params JsonObject[] lines) =>
        new StockLedger(new WriteSession(database, new Microsoft.AspNetCore.Http.HttpContextAccessor()), new StoreScope()).RecordAsync([.. lines], idempotencyKey: null, CancellationToken.None);

    private static JsonObject Line(string kind, Guid storeId, Guid productId, decimal quantity) => new()
    {
        ["kind"] = kind,
        ["storeId"] = storeId,
        ["productId"] = productId,
        ["quantity"] = quantity,
    };
}
