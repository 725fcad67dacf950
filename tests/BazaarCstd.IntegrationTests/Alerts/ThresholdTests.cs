using System.Net.Http.Json;
using System.Text.Json;
using BazaarCstd.Contracts;
using BazaarCstd.Contracts.Alerts;
using BazaarCstd.Contracts.Catalog;
using BazaarCstd.Contracts.Events;
using BazaarCstd.IntegrationTests.Infrastructure;
using BazaarCstd.IntegrationTests.Inventory;

namespace BazaarCstd.IntegrationTests.Alerts;

[Collection(BazaarAppCollection.Name)]
public sealed class ThresholdTests(BazaarAppFixture fixture)
{
    private readonly InventoryApi _api = new(fixture);
    private readonly StoreAccounts _accounts = new(fixture);

    private static string Path(Guid storeId, Guid productId) => $"/api/stores/{storeId}/thresholds/{productId}";

    [Fact]
    public async Task Without_an_override_the_product_default_is_in_force_and_a_put_overrides_it_for_that_store_only()
    {
        var store = await _api.NewStoreAsync();
        var elsewhere = await _api.NewStoreAsync();
        var product = await NewProductAsync("each", reorderPoint: 4);
        using var manager = await _accounts.UserAsync("STORE_MANAGER", store.Id);

        var before = await manager.GetFromJsonAsync<StockThreshold>(Path(store.Id, product.Id));
        Assert.Equal(new StockThreshold(store.Id, product.Id, product.Sku, 4m, null, false, null), before);

        using var put = await manager.PutAsJsonAsync(Path(store.Id, product.Id), new StockThresholdRequest(10, 24));
        Assert.Equal(HttpStatusCode.OK, put.StatusCode);
        var saved = (await put.Content.ReadFromJsonAsync<StockThreshold>())!;
        Assert.Equal((store.Id, product.Id, product.Sku, 10m, (decimal?)24m, true), (saved.StoreId, saved.ProductId, saved.Sku, saved.ReorderPoint, saved.ReorderQuantity, saved.IsOverride));
        Assert.NotNull(saved.UpdatedAt);

        Assert.Equal(saved, await manager.GetFromJsonAsync<StockThreshold>(Path(store.Id, product.Id)));
        var other = await _api.Http.GetFromJsonAsync<StockThreshold>(Path(elsewhere.Id, product.Id));
        Assert.Equal((4m, false), (other!.ReorderPoint, other.IsOverride));

        // The stock grid uses the store's threshold too.
        await _api.AddStockAsync(store.Id, product.Id, 8);
        var low = await manager.GetFromJsonAsync<Page<Contracts.Stock.StockRow>>($"/api/stock/current?storeId={store.Id}&lowStock=true");
        Assert.Equal(10m, Assert.Single(low!.Items).ReorderPoint);
    }

    [Fact]
    public async Task A_put_writes_exactly_one_threshold_changed_event_with_the_new_values()
    {
        var store = await _api.NewStoreAsync();
        var product = await NewProductAsync("kg");

        using var put = await _api.Http.PutAsJsonAsync(Path(store.Id, product.Id), new StockThresholdRequest(2.5m));
        Assert.Equal(HttpStatusCode.OK, put.StatusCode);

        var events = await _api.Http.GetFromJsonAsync<Page<InventoryEvent>>(
            $"/api/inventory/events?type={EventTypes.ThresholdChanged}&storeId={store.Id}");
        var change = Assert.Single(events!.Items);
        Assert.Equal(product.Id, change.ProductId);
        Assert.Equal(2.5m, change.Payload.GetProperty("reorderPoint").GetDecimal());
        Assert.Equal(JsonValueKind.Null, change.Payload.GetProperty("reorderQuantity").ValueKind);
        Assert.Equal(1, await _accounts.EventCountAsync(EventTypes.ThresholdChanged, store.Id, product.Id));
    }

    [Fact]
    public async Task Invalid_thresholds_are_400_and_change_nothing()
    {
        var store = await _api.NewStoreAsync();
        var tins = await NewProductAsync("each", reorderPoint: 3);
        var cheese = await NewProductAsync("kg");

        foreach (var (product, body, field) in new (Product, object, string)[]
        {
            (tins, new { }, "reorderPoint"),
            (tins, new StockThresholdRequest(-1), "reorderPoint"),
            (tins, new StockThresholdRequest(1.0005m), "reorderPoint"),
            (tins, new StockThresholdRequest(5, 0), "reorderQuantity"),
            (tins, new StockThresholdRequest(2.5m), "reorderPoint"),
            (tins, new StockThresholdRequest(2, 1.5m), "reorderQuantity"),
            (cheese, new StockThresholdRequest(1, -2), "reorderQuantity"),
        })
        {
            using var response = await _api.Http.PutAsJsonAsync(Path(store.Id, product.Id), body);
            var problem = await InventoryApi.AssertProblem(response, HttpStatusCode.BadRequest, JsonSerializer.Serialize(body));
            Assert.True(problem.GetProperty("errors").TryGetProperty(field, out _), $"{JsonSerializer.Serialize(body)}: {problem}");
        }

        using var fractionalCheese = await _api.Http.PutAsJsonAsync(Path(store.Id, cheese.Id), new StockThresholdRequest(0.25m, 1.5m));
        Assert.Equal(HttpStatusCode.OK, fractionalCheese.StatusCode);

        var tinThreshold = await _api.Http.GetFromJsonAsync<StockThreshold>(Path(store.Id, tins.Id));
        Assert.Equal((3m, false), (tinThreshold!.ReorderPoint, tinThreshold.IsOverride));
        Assert.Equal(0, await _accounts.EventCountAsync(EventTypes.ThresholdChanged, store.Id, tins.Id));
    }

    [Fact]
    public async Task Staff_may_read_but_not_set_managers_only_their_stores_and_unknown_or_archived_products_are_404()
    {
        var store = await _api.NewStoreAsync();
        var other = await _api.NewStoreAsync();
        var product = await NewProductAsync("each");
        using var staff = await _accounts.UserAsync("STAFF", store.Id);
        using var manager = await _accounts.UserAsync("STORE_MANAGER", store.Id);

        Assert.Equal(HttpStatusCode.OK, (await staff.GetAsync(Path(store.Id, product.Id))).StatusCode);
        using (var refused = await staff.PutAsJsonAsync(Path(store.Id, product.Id), new StockThresholdRequest(5)))
        {
            await InventoryApi.AssertProblem(refused, HttpStatusCode.Forbidden);
        }

        foreach (var path in new[] { Path(other.Id, product.Id), $"/api/stores/{other.Id}/thresholds" })
        {
            using var read = await manager.GetAsync(path);
            await InventoryApi.AssertProblem(read, HttpStatusCode.NotFound, path);
        }

        using (var elsewhere = await manager.PutAsJsonAsync(Path(other.Id, product.Id), new StockThresholdRequest(5)))
        {
            await InventoryApi.AssertProblem(elsewhere, HttpStatusCode.NotFound);
        }

        using (var unknown = await manager.PutAsJsonAsync(Path(store.Id, Guid.NewGuid()), new StockThresholdRequest(5)))
        {
            await InventoryApi.AssertProblem(unknown, HttpStatusCode.NotFound);
        }

        using (var archive = await _api.Http.DeleteAsync($"/api/products/{product.Id}"))
        {
            Assert.Equal(HttpStatusCode.NoContent, archive.StatusCode);
        }

        using (var archived = await manager.PutAsJsonAsync(Path(store.Id, product.Id), new StockThresholdRequest(5)))
        {
            await InventoryApi.AssertProblem(archived, HttpStatusCode.NotFound);
        }

        var admin = await _api.Http.GetFromJsonAsync<StockThreshold>(Path(other.Id, product.Id));
        Assert.False(admin!.IsOverride);
        Assert.Equal(0, await _accounts.EventCountAsync(EventTypes.ThresholdChanged, other.Id, product.Id));
        Assert.Equal(0, await _accounts.EventCountAsync(EventTypes.ThresholdChanged, store.Id, product.Id));
    }

    [Fact]
    public async Task The_list_has_every_product_stocked_or_overridden_in_the_store_by_sku_in_pages()
    {
        var store = await _api.NewStoreAsync();
        var stocked = await NewProductAsync("each", reorderPoint: 2);
        var overridden = await NewProductAsync("each", reorderPoint: 2);
        var both = await NewProductAsync("each", reorderPoint: 2);
        var neither = await NewProductAsync("each");
        await _api.AddStockAsync(store.Id, stocked.Id, 1);
        await _api.AddStockAsync(store.Id, both.Id, 1);
        foreach (var product in new[] { overridden, both })
        {
            using var put = await _api.Http.PutAsJsonAsync(Path(store.Id, product.Id), new StockThresholdRequest(7, 12));
            Assert.Equal(HttpStatusCode.OK, put.StatusCode);
        }

        using var staff = await _accounts.UserAsync("STAFF", store.Id);
        var listed = new List<StockThreshold>();
        string? cursor = null;
        var pages = 0;
        do
        {
            var page = await staff.GetFromJsonAsync<Page<StockThreshold>>($"/api/stores/{store.Id}/thresholds?limit=2" + (cursor is null ? "" : $"&cursor={cursor}"));
            listed.AddRange(page!.Items);
            cursor = page.NextCursor;
            pages++;
        }
        while (cursor is not null);

        Assert.Equal(2, pages);
        Assert.Equal(new[] { stocked, overridden, both }.Select(p => p.Sku).Order(StringComparer.OrdinalIgnoreCase), listed.Select(t => t.Sku));
        Assert.DoesNotContain(listed, t => t.ProductId == neither.Id);
        Assert.Equal((2m, false, (decimal?)null), listed.Single(t => t.ProductId == stocked.Id) is var s ? (s.ReorderPoint, s.IsOverride, s.ReorderQuantity) : default);
        Assert.All(listed.Where(t => t.ProductId != stocked.Id), t => Assert.Equal((7m, true, (decimal?)12m), (t.ReorderPoint, t.IsOverride, t.ReorderQuantity)));

        using var badLimit = await staff.GetAsync($"/api/stores/{store.Id}/thresholds?limit=501");
        await InventoryApi.AssertProblem(badLimit, HttpStatusCode.BadRequest);
    }

    [Fact]
    public async Task Twenty_parallel_puts_on_one_pair_all_succeed_and_leave_one_of_their_values_and_twenty_events()
    {
        var store = await _api.NewStoreAsync();
        var product = await NewProductAsync("each");
        using var manager = await _accounts.UserAsync("STORE_MANAGER", store.Id);

        var statuses = await AllAtOnce.RunAsync(Enumerable.Range(1, 20), async point =>
        {
            using var response = await manager.PutAsJsonAsync(Path(store.Id, product.Id), new StockThresholdRequest(point, point * 2));
            return response.StatusCode;
        });

        Assert.All(statuses, s => Assert.Equal(HttpStatusCode.OK, s));
        var final = await manager.GetFromJsonAsync<StockThreshold>(Path(store.Id, product.Id));
        Assert.True(final!.IsOverride);
        Assert.InRange(final.ReorderPoint, 1m, 20m);
        Assert.Equal(final.ReorderPoint * 2, final.ReorderQuantity);
        var listed = await manager.GetFromJsonAsync<Page<StockThreshold>>($"/api/stores/{store.Id}/thresholds");
        Assert.Equal(final, Assert.Single(listed!.Items));
        Assert.Equal(20, await _accounts.EventCountAsync(EventTypes.ThresholdChanged, store.Id, product.Id));
    }

    private async Task<Product> NewProductAsync(string unit, decimal reorderPoint = 0)
    {
        var sku = $"THR-{Guid.NewGuid():N}";
        using var response = await _api.Http.PostAsJsonAsync("/api/products", new ProductRequest(sku, "Threshold product", "Testing", unit, 1m, ReorderPoint: reorderPoint));
        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        return (await response.Content.ReadFromJsonAsync<Product>())!;
    }
}
