using System.Net.Http.Json;
using BazaarCstd.Contracts;
using BazaarCstd.Contracts.Alerts;
using BazaarCstd.Contracts.Events;
using BazaarCstd.IntegrationTests.Infrastructure;
using BazaarCstd.IntegrationTests.Inventory;

namespace BazaarCstd.IntegrationTests.Alerts;

/// <summary>
/// Alerts as people see and acknowledge them. The Worker opens and resolves alerts; these tests seed
/// them as the database owner in stores of their own with no stock (so no stock event reaches the
/// Worker's alert rules for them) and never wait for the Worker.
/// </summary>
[Collection(BazaarAppCollection.Name)]
public sealed class AlertTests(BazaarAppFixture fixture)
{
    private readonly InventoryApi _api = new(fixture);
    private readonly StoreAccounts _accounts = new(fixture);

    [Fact]
    public async Task The_list_is_newest_first_active_by_default_filtered_and_paged()
    {
        var store = await _api.NewStoreAsync();
        var products = new List<Contracts.Catalog.Product>();
        for (var i = 0; i < 4; i++)
        {
            products.Add(await _api.NewProductAsync());
        }

        var open = await SeedAsync(store.Id, products[0].Id, AlertKinds.LowStock, AlertStatuses.Open);
        var acknowledged = await SeedAsync(store.Id, products[1].Id, AlertKinds.OutOfStock, AlertStatuses.Acknowledged);
        var resolved = await SeedAsync(store.Id, products[2].Id, AlertKinds.LowStock, AlertStatuses.Resolved);
        var outOfStock = await SeedAsync(store.Id, products[3].Id, AlertKinds.OutOfStock, AlertStatuses.Open);
        using var staff = await _accounts.UserAsync("STAFF", store.Id);

        async Task<long[]> Ids(string query) =>
            [.. (await staff.GetFromJsonAsync<Page<InventoryAlert>>($"/api/inventory/alerts?storeId={store.Id}{query}"))!.Items.Select(a => a.Id)];

        Assert.Equal([outOfStock, acknowledged, open], await Ids(""));
        Assert.Equal([outOfStock, acknowledged, open], await Ids("&status=active"));
        Assert.Equal([outOfStock, resolved, acknowledged, open], await Ids("&status=all"));
        Assert.Equal([resolved], await Ids("&status=resolved"));
        Assert.Equal([outOfStock, open], await Ids("&status=open"));
        Assert.Equal([outOfStock, acknowledged], await Ids($"&kind={AlertKinds.OutOfStock}"));
        Assert.Equal([acknowledged], await Ids($"&productId={products[1].Id}"));

        var first = await staff.GetFromJsonAsync<Page<InventoryAlert>>($"/api/inventory/alerts?storeId={store.Id}&limit=2");
        Assert.Equal([outOfStock, acknowledged], first!.Items.Select(a => a.Id));
        var second = await staff.GetFromJsonAsync<Page<InventoryAlert>>($"/api/inventory/alerts?storeId={store.Id}&limit=2&cursor={first.NextCursor}");
        Assert.Equal([open], second!.Items.Select(a => a.Id));
        Assert.Null(second.NextCursor);

        var shown = first.Items[0];
        Assert.Equal((store.Id, products[3].Id, products[3].Sku, "critical", AlertStatuses.Open, 0m, 5m),
            (shown.StoreId, shown.ProductId, shown.Sku, shown.Severity, shown.Status, shown.OnHand, shown.ReorderPoint));
        Assert.Equal("warning", (await staff.GetFromJsonAsync<Page<InventoryAlert>>($"/api/inventory/alerts?storeId={store.Id}&productId={products[0].Id}"))!.Items.Single().Severity);

        foreach (var bad in new[] { "status=closed", "kind=high_stock", "limit=0", "cursor=nonsense" })
        {
            using var response = await staff.GetAsync($"/api/inventory/alerts?{bad}");
            await InventoryApi.AssertProblem(response, HttpStatusCode.BadRequest, bad);
        }
    }

    [Fact]
    public async Task A_user_sees_only_alerts_of_their_stores_and_another_store_is_404()
    {
        var mine = await _api.NewStoreAsync();
        var other = await _api.NewStoreAsync();
        var product = await _api.NewProductAsync();
        var own = await SeedAsync(mine.Id, product.Id, AlertKinds.LowStock, AlertStatuses.Open);
        var foreign = await SeedAsync(other.Id, product.Id, AlertKinds.LowStock, AlertStatuses.Open);
        using var manager = await _accounts.UserAsync("STORE_MANAGER", mine.Id);

        var all = await manager.GetFromJsonAsync<Page<InventoryAlert>>($"/api/inventory/alerts?productId={product.Id}&status=all");
        Assert.Equal([own], all!.Items.Select(a => a.Id));
        using (var filtered = await manager.GetAsync($"/api/inventory/alerts?storeId={other.Id}"))
        {
            await InventoryApi.AssertProblem(filtered, HttpStatusCode.NotFound);
        }

        using (var ack = await manager.PostAsync($"/api/inventory/alerts/{foreign}/acknowledge", null))
        {
            await InventoryApi.AssertProblem(ack, HttpStatusCode.NotFound);
        }

        var admin = await _api.Http.GetFromJsonAsync<Page<InventoryAlert>>($"/api/inventory/alerts?productId={product.Id}");
        Assert.Equal([foreign, own], admin!.Items.Select(a => a.Id));
        Assert.All(admin.Items, a => Assert.Equal(AlertStatuses.Open, a.Status));
        Assert.Equal(0, await _accounts.EventCountAsync(EventTypes.AlertChanged, other.Id, product.Id));
    }

    [Fact]
    public async Task Acknowledging_moves_open_to_acknowledged_once_with_one_event_and_a_resolved_alert_is_409()
    {
        var store = await _api.NewStoreAsync();
        var product = await _api.NewProductAsync();
        var resolvedProduct = await _api.NewProductAsync();
        var id = await SeedAsync(store.Id, product.Id, AlertKinds.LowStock, AlertStatuses.Open);
        var resolved = await SeedAsync(store.Id, resolvedProduct.Id, AlertKinds.LowStock, AlertStatuses.Resolved);
        using var staff = await _accounts.UserAsync("STAFF", store.Id);
        var staffId = (await staff.GetFromJsonAsync<Contracts.Auth.UserProfile>("/api/auth/profile"))!.Id;

        using var first = await staff.PostAsync($"/api/inventory/alerts/{id}/acknowledge", null);
        Assert.Equal(HttpStatusCode.OK, first.StatusCode);
        var acknowledged = (await first.Content.ReadFromJsonAsync<InventoryAlert>())!;
        Assert.Equal((AlertStatuses.Acknowledged, (Guid?)staffId), (acknowledged.Status, acknowledged.AcknowledgedBy));
        Assert.NotNull(acknowledged.AcknowledgedAt);

        using var again = await staff.PostAsync($"/api/inventory/alerts/{id}/acknowledge", null);
        Assert.Equal(HttpStatusCode.OK, again.StatusCode);
        Assert.Equal(acknowledged, await again.Content.ReadFromJsonAsync<InventoryAlert>());

        var events = await staff.GetFromJsonAsync<Page<InventoryEvent>>($"/api/inventory/events?storeId={store.Id}&type={EventTypes.AlertChanged}");
        var change = Assert.Single(events!.Items);
        Assert.Equal(id, change.Payload.GetProperty("id").GetInt64());
        Assert.Equal(AlertStatuses.Acknowledged, change.Payload.GetProperty("status").GetString());
        Assert.Equal(staffId, change.Payload.GetProperty("acknowledgedBy").GetGuid());
        Assert.Equal(product.Sku, change.Payload.GetProperty("sku").GetString());
        Assert.Equal(acknowledged.AcknowledgedAt, change.Payload.GetProperty("acknowledgedAt").GetDateTimeOffset());

        using var refused = await staff.PostAsync($"/api/inventory/alerts/{resolved}/acknowledge", null);
        await InventoryApi.AssertProblem(refused, HttpStatusCode.Conflict);
        using var unknown = await staff.PostAsync($"/api/inventory/alerts/{long.MaxValue}/acknowledge", null);
        await InventoryApi.AssertProblem(unknown, HttpStatusCode.NotFound);
        var stillResolved = await staff.GetFromJsonAsync<Page<InventoryAlert>>($"/api/inventory/alerts?storeId={store.Id}&status=resolved");
        Assert.Null(Assert.Single(stillResolved!.Items).AcknowledgedAt);
        Assert.Equal(0, await _accounts.EventCountAsync(EventTypes.AlertChanged, store.Id, resolvedProduct.Id));
    }

    [Fact]
    public async Task Twenty_parallel_acknowledgements_all_succeed_and_only_the_transition_writes_an_event()
    {
        var store = await _api.NewStoreAsync();
        var product = await _api.NewProductAsync();
        var id = await SeedAsync(store.Id, product.Id, AlertKinds.OutOfStock, AlertStatuses.Open);
        using var manager = await _accounts.UserAsync("STORE_MANAGER", store.Id);

        var answers = await AllAtOnce.RunAsync(Enumerable.Range(0, 20), async _ =>
        {
            using var response = await manager.PostAsync($"/api/inventory/alerts/{id}/acknowledge", null);
            return (response.StatusCode, Alert: await response.Content.ReadFromJsonAsync<InventoryAlert>());
        });

        Assert.All(answers, a => Assert.Equal(HttpStatusCode.OK, a.StatusCode));
        Assert.All(answers, a => Assert.Equal(AlertStatuses.Acknowledged, a.Alert!.Status));
        Assert.Single(answers.Select(a => a.Alert!.AcknowledgedAt).Distinct());
        Assert.Equal(1, await _accounts.EventCountAsync(EventTypes.AlertChanged, store.Id, product.Id));
    }

    /// <summary>Writes an alert as the Worker would (on hand 2 or 0 against a reorder point of 5); returns its id.</summary>
    private async Task<long> SeedAsync(Guid storeId, Guid productId, string kind, string status)
    {
        await using var db = await _accounts.OwnerAsync();
        await using var command = db.CreateCommand("""
            INSERT INTO bazaar.inventory_alerts (store_id, product_id, kind, status, on_hand, reorder_point, opened_at, changed_at, resolved_at, last_event_id)
            VALUES ($1, $2, $3, $4, $5, 5, now(), now(), CASE WHEN $4 = 'resolved' THEN now() END, 0)
            RETURNING id
            """);
        command.Parameters.AddWithValue(storeId);
        command.Parameters.AddWithValue(productId);
        command.Parameters.AddWithValue(kind);
        command.Parameters.AddWithValue(status);
        command.Parameters.AddWithValue(kind == AlertKinds.OutOfStock ? 0m : 2m);
        return (long)(await command.ExecuteScalarAsync())!;
    }
}
