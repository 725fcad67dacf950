using System.Net.Http.Json;
using BazaarCstd.Contracts.Stock;
using BazaarCstd.IntegrationTests.Infrastructure;

namespace BazaarCstd.IntegrationTests.Inventory;

/// <summary>Many tills at once: stock never goes negative, documents are all-or-nothing, no deadlocks.</summary>
[Collection(BazaarAppCollection.Name)]
public sealed class ConcurrencyTests(BazaarAppFixture fixture)
{
    private readonly InventoryApi _api = new(fixture);

    [Fact]
    public async Task Two_hundred_tills_selling_the_last_fifty_units_sell_exactly_fifty()
    {
        var store = await _api.NewStoreAsync();
        var product = await _api.NewProductAsync();
        await _api.AddStockAsync(store.Id, product.Id, 50);

        var statuses = await Task.WhenAll(Enumerable.Range(0, 200).Select(async i =>
        {
            using var response = await _api.Http.PostAsJsonAsync("/api/stock/sale",
                new MovementRequest(store.Id, product.Id, null, 1, DeviceId: $"till-{i}"));
            return response.StatusCode;
        }));

        Assert.Equal(50, statuses.Count(s => s == HttpStatusCode.Created));
        Assert.Equal(150, statuses.Count(s => s == HttpStatusCode.Conflict));
        Assert.Equal(0m, await _api.OnHandAsync(store.Id, product.Id));
        Assert.Equal(50, (await _api.MovementsAsync(store.Id)).Count(m => m.Kind == "sale"));
        Assert.Equal(0, await _api.InconsistentLevelsAsync());
    }

    [Fact]
    public async Task Overlapping_batches_in_opposite_line_order_never_deadlock_or_half_apply()
    {
        var store = await _api.NewStoreAsync();
        var a = await _api.NewProductAsync();
        var b = await _api.NewProductAsync();
        await _api.AddStockAsync(store.Id, a.Id, 30);
        await _api.AddStockAsync(store.Id, b.Id, 30);

        var statuses = await Task.WhenAll(Enumerable.Range(0, 40).Select(async i =>
        {
            BatchLine Sale(Guid productId) => new("sale", store.Id, productId, null, 1);
            var lines = i % 2 == 0 ? new[] { Sale(a.Id), Sale(b.Id) } : new[] { Sale(b.Id), Sale(a.Id) };
            using var response = await _api.Http.PostAsJsonAsync("/api/stock/batch", new BatchRequest(lines));
            return response.StatusCode;
        }));

        Assert.All(statuses, s => Assert.Contains(s, new[] { HttpStatusCode.Created, HttpStatusCode.Conflict }));
        Assert.Equal(30, statuses.Count(s => s == HttpStatusCode.Created));
        Assert.Equal(0m, await _api.OnHandAsync(store.Id, a.Id));
        Assert.Equal(0m, await _api.OnHandAsync(store.Id, b.Id));
        var sales = (await _api.MovementsAsync(store.Id)).Where(m => m.Kind == "sale").ToList();
        Assert.Equal(60, sales.Count);
        Assert.All(sales.GroupBy(m => m.BatchId), batch => Assert.Equal(2, batch.Count()));
        Assert.Equal(0, await _api.InconsistentLevelsAsync());
    }

    [Fact]
    public async Task Parallel_transfers_in_both_directions_conserve_stock()
    {
        var storeA = await _api.NewStoreAsync();
        var storeB = await _api.NewStoreAsync();
        var product = await _api.NewProductAsync();
        await _api.AddStockAsync(storeA.Id, product.Id, 50);
        await _api.AddStockAsync(storeB.Id, product.Id, 50);

        var statuses = await Task.WhenAll(Enumerable.Range(0, 60).Select(async i =>
        {
            var (from, to) = i % 2 == 0 ? (storeA.Id, storeB.Id) : (storeB.Id, storeA.Id);
            using var response = await _api.Http.PostAsJsonAsync("/api/stock/transfer",
                new TransferRequest(from, to, [new TransferLine(product.Id, null, 1)], Reference: $"TR-{i}"));
            return response.StatusCode;
        }));

        Assert.All(statuses, s => Assert.Equal(HttpStatusCode.Created, s));
        Assert.Equal(50m, await _api.OnHandAsync(storeA.Id, product.Id));
        Assert.Equal(50m, await _api.OnHandAsync(storeB.Id, product.Id));
        Assert.Equal(60, (await _api.MovementsAsync(storeA.Id)).Count(m => m.Kind is "transfer_out" or "transfer_in"));
        Assert.Equal(0, await _api.InconsistentLevelsAsync());
    }
}
