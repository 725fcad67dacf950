using System.Net.Http.Json;
using BazaarCstd.Contracts;
using BazaarCstd.Contracts.Events;
using BazaarCstd.Contracts.Stock;
using BazaarCstd.IntegrationTests.Alerts;
using BazaarCstd.IntegrationTests.Infrastructure;
using BazaarCstd.IntegrationTests.Inventory;

namespace BazaarCstd.IntegrationTests.Events;

[Collection(BazaarAppCollection.Name)]
public sealed class EventLogTests(BazaarAppFixture fixture)
{
    private readonly InventoryApi _api = new(fixture);
    private readonly StoreAccounts _accounts = new(fixture);

    [Fact]
    public async Task Every_movement_is_a_stock_changed_event_in_id_order_and_after_id_tails_the_log()
    {
        var store = await _api.NewStoreAsync();
        var product = await _api.NewProductAsync();
        var bystander = await _api.NewProductAsync();
        using var staff = await _accounts.UserAsync("STAFF", store.Id);
        await _api.AddStockAsync(store.Id, product.Id, 10);
        await _api.AddStockAsync(store.Id, bystander.Id, 1);
        var started = DateTimeOffset.UtcNow;
        for (var i = 1; i <= 3; i++)
        {
            using var sale = await staff.PostAsJsonAsync("/api/stock/sale", new MovementRequest(store.Id, product.Id, null, i));
            Assert.Equal(HttpStatusCode.Created, sale.StatusCode);
        }

        var url = $"/api/inventory/events?storeId={store.Id}&productId={product.Id}&type={EventTypes.StockChanged}";
        var log = (await staff.GetFromJsonAsync<Page<InventoryEvent>>(url))!.Items;
        Assert.Equal(4, log.Count);
        Assert.Equal(log.Select(e => e.Id).Order(), log.Select(e => e.Id));
        Assert.All(log, e => Assert.Equal((EventTypes.StockChanged, (Guid?)store.Id, (Guid?)product.Id), (e.Type, e.StoreId, e.ProductId)));
        Assert.Equal([10m, 9m, 7m, 4m], log.Select(e => e.Payload.GetProperty("onHand").GetDecimal()));
        Assert.Equal(["stock_in", "sale", "sale", "sale"], log.Select(e => e.Payload.GetProperty("kind").GetString()));

        // Tailing: from the last event seen, only what came after it, and nothing once caught up.
        var tail = (await staff.GetFromJsonAsync<Page<InventoryEvent>>($"{url}&afterId={log[1].Id}"))!.Items;
        Assert.Equal(log.Skip(2).Select(e => e.Id), tail.Select(e => e.Id));
        Assert.Empty((await staff.GetFromJsonAsync<Page<InventoryEvent>>($"{url}&afterId={log[^1].Id}"))!.Items);
        using (var next = await staff.PostAsJsonAsync("/api/stock/sale", new MovementRequest(store.Id, product.Id, null, 1)))
        {
            Assert.Equal(HttpStatusCode.Created, next.StatusCode);
        }

        var caughtUp = Assert.Single((await staff.GetFromJsonAsync<Page<InventoryEvent>>($"{url}&afterId={log[^1].Id}"))!.Items);
        Assert.Equal(3m, caughtUp.Payload.GetProperty("onHand").GetDecimal());

        // Pages of 2 walk the same log; time filters bound occurredAt.
        var paged = new List<long>();
        string? cursor = null;
        do
        {
            var page = (await staff.GetFromJsonAsync<Page<InventoryEvent>>($"{url}&limit=2" + (cursor is null ? "" : $"&cursor={cursor}")))!;
            paged.AddRange(page.Items.Select(e => e.Id));
            cursor = page.NextCursor;
        }
        while (cursor is not null);

        Assert.Equal(log.Select(e => e.Id).Append(caughtUp.Id), paged);
        var future = Uri.EscapeDataString(DateTimeOffset.UtcNow.AddMinutes(5).ToString("O"));
        Assert.Empty((await staff.GetFromJsonAsync<Page<InventoryEvent>>($"{url}&from={future}"))!.Items);
        var untilNow = (await staff.GetFromJsonAsync<Page<InventoryEvent>>(
            $"{url}&from={Uri.EscapeDataString(started.AddMinutes(-5).ToString("O"))}&to={Uri.EscapeDataString(DateTimeOffset.UtcNow.AddMinutes(1).ToString("O"))}"))!.Items;
        Assert.Equal(5, untilNow.Count);

        var wholeStore = (await staff.GetFromJsonAsync<Page<InventoryEvent>>($"/api/inventory/events?storeId={store.Id}"))!.Items;
        Assert.Equal(6, wholeStore.Count);
        Assert.Single(wholeStore, e => e.ProductId == bystander.Id);
    }

    [Fact]
    public async Task A_user_reads_only_events_of_their_stores_and_naming_another_store_is_404()
    {
        var mine = await _api.NewStoreAsync();
        var other = await _api.NewStoreAsync();
        var product = await _api.NewProductAsync();
        await _api.AddStockAsync(mine.Id, product.Id, 5);
        await _api.AddStockAsync(other.Id, product.Id, 5);
        using var manager = await _accounts.UserAsync("STORE_MANAGER", mine.Id);

        var visible = (await manager.GetFromJsonAsync<Page<InventoryEvent>>($"/api/inventory/events?productId={product.Id}"))!.Items;
        Assert.Equal(mine.Id, Assert.Single(visible).StoreId);
        using (var foreign = await manager.GetAsync($"/api/inventory/events?storeId={other.Id}"))
        {
            await InventoryApi.AssertProblem(foreign, HttpStatusCode.NotFound);
        }

        var admin = (await _api.Http.GetFromJsonAsync<Page<InventoryEvent>>($"/api/inventory/events?productId={product.Id}"))!.Items;
        Assert.Equal(2, admin.Count);

        using var nobody = await _accounts.UserAsync("STAFF");
        Assert.Empty((await nobody.GetFromJsonAsync<Page<InventoryEvent>>($"/api/inventory/events?productId={product.Id}"))!.Items);
    }

    [Theory]
    [InlineData("type=stock.exploded", "type")]
    [InlineData("limit=0", "limit")]
    [InlineData("limit=501", "limit")]
    [InlineData("afterId=-1", "afterId")]
    [InlineData("cursor=nonsense", "cursor")]
    [InlineData("from=2026-02-01T00:00:00Z&to=2026-01-01T00:00:00Z", "to")]
    public async Task Bad_filters_are_400_naming_the_field(string query, string field)
    {
        using var response = await _api.Http.GetAsync($"/api/inventory/events?{query}");
        var problem = await InventoryApi.AssertProblem(response, HttpStatusCode.BadRequest, query);
        Assert.True(problem.GetProperty("errors").TryGetProperty(field, out _), problem.ToString());
    }
}
