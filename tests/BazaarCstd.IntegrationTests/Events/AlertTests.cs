using System.Net.Http.Json;
using System.Text;
using BazaarCstd.Contracts;
using BazaarCstd.Contracts.Catalog;
using BazaarCstd.Contracts.Events;
using BazaarCstd.Contracts.Stock;
using BazaarCstd.IntegrationTests.Infrastructure;
using BazaarCstd.IntegrationTests.Inventory;
using Npgsql;
using RabbitMQ.Client;

namespace BazaarCstd.IntegrationTests.Events;

/// <summary>
/// Low and out-of-stock alerts as the Worker keeps them from the events of real sales: one alert per
/// crossing, no flapping around the point, resolved above point + band, a redelivered event applied
/// once, poison dead-lettered while good messages flow, and one trace from the sale to the alert.
/// </summary>
[Collection(BazaarAppCollection.Name)]
public sealed class AlertTests(BazaarAppFixture fixture)
{
    private static readonly TimeSpan Deadline = TimeSpan.FromSeconds(20);
    private readonly InventoryApi _api = new(fixture);

    [Fact]
    public async Task A_crossing_opens_one_alert_that_does_not_flap_upgrades_when_out_and_resolves_above_the_band()
    {
        var store = await _api.NewStoreAsync();
        var product = await NewProductAsync(reorderPoint: 10); // band: max(1, ceil(10 / 5)) = 2
        await _api.AddStockAsync(store.Id, product, 15);
        await using var tap = await EventTap.StartAsync(fixture.App, "alert.*");

        await SellAsync(store.Id, product, 5); // 10: at the point
        var opened = await ActiveAlertAsync(store.Id, product, "low_stock");
        Assert.Equal(10m, opened.OnHand);

        // Twenty movements dancing around the point (11, 10, 11, …): the same alert, never resolved.
        for (var i = 0; i < 10; i++)
        {
            await _api.AddStockAsync(store.Id, product, 1);
            await SellAsync(store.Id, product, 1);
        }

        await WaitUntilProcessedAsync(store.Id, product);
        var afterDance = await ActiveAlertAsync(store.Id, product, "low_stock");
        Assert.Equal(opened.Id, afterDance.Id);

        await SellAsync(store.Id, product, 10); // 0: out of stock, upgraded in place
        var upgraded = await ActiveAlertAsync(store.Id, product, "out_of_stock");
        Assert.Equal(opened.Id, upgraded.Id);

        await _api.AddStockAsync(store.Id, product, 12); // 12 = point + band: still low, not resolved
        var downgraded = await ActiveAlertAsync(store.Id, product, "low_stock");
        Assert.Equal(opened.Id, downgraded.Id);

        await _api.AddStockAsync(store.Id, product, 1); // 13 > point + band: resolved
        await Eventually.IsTrueAsync(async () => await CountAsync(
            "SELECT count(*) FROM bazaar.inventory_alerts WHERE id = $1 AND status = 'resolved'", opened.Id) == 1, Deadline, "the alert to resolve");
        Assert.Equal(1, await CountAsync("SELECT count(*) FROM bazaar.inventory_alerts WHERE store_id = $1", store.Id));

        // Subscribers saw the life of the one alert: opened, changed (out), changed (low), resolved.
        var lifecycle = await Eventually.ReturnsAsync(() =>
        {
            var seen = tap.ForStores(store.Id).DistinctBy(r => r.Event.Id).Select(r => r.RoutingKey).ToList();
            return Task.FromResult(seen.Count >= 4 ? seen : null);
        }, Deadline, "four alert events");
        Assert.Equal([EventTypes.AlertOpened, EventTypes.AlertChanged, EventTypes.AlertChanged, EventTypes.AlertResolved], lifecycle);
    }

    [Fact]
    public async Task An_event_delivered_again_is_not_applied_again_even_when_applying_it_now_would_open_an_alert()
    {
        var store = await _api.NewStoreAsync();
        var product = await NewProductAsync(reorderPoint: 0);
        await _api.AddStockAsync(store.Id, product, 5);
        await WaitUntilProcessedAsync(store.Id, product);
        var delivered = await LatestEventAsync(store.Id, product);

        // The store's point is raised behind the consumer's back (no threshold event): applying the
        // stock-in event now would open a low-stock alert.
        await using (var db = await OwnerAsync())
        await using (var command = db.CreateCommand("INSERT INTO bazaar.stock_thresholds (store_id, product_id, reorder_point) VALUES ($1, $2, 8)"))
        {
            command.Parameters.Add(new NpgsqlParameter { Value = store.Id });
            command.Parameters.Add(new NpgsqlParameter { Value = product });
            await command.ExecuteNonQueryAsync();
        }

        // RabbitMQ delivers the already-applied event again (as after a lost ack), twice.
        await PublishAsync(EventTypes.StockChanged, delivered.Body, delivered.Id.ToString(System.Globalization.CultureInfo.InvariantCulture));
        await PublishAsync(EventTypes.StockChanged, delivered.Body, delivered.Id.ToString(System.Globalization.CultureInfo.InvariantCulture));

        // A fresh event behind the duplicates shows they were consumed; the fresh one opens the alert.
        await SellAsync(store.Id, product, 1);
        await WaitUntilProcessedAsync(store.Id, product);
        Assert.Equal(1, await CountAsync("SELECT count(*) FROM bazaar.processed_events WHERE consumer = 'alerts' AND event_id = $1", delivered.Id));
        var alert = await ActiveAlertAsync(store.Id, product, "low_stock");
        Assert.Equal(4m, alert.OnHand);
        Assert.NotEqual(delivered.Id, alert.LastEventId);
    }

    [Fact]
    public async Task Eighty_sales_at_once_on_eight_products_open_one_alert_each_and_every_event_is_applied_once()
    {
        var store = await _api.NewStoreAsync();
        var products = new List<Guid>();
        for (var i = 0; i < 8; i++)
        {
            var product = await NewProductAsync(reorderPoint: 10);
            await _api.AddStockAsync(store.Id, product, 20);
            products.Add(product);
        }

        // Ten tills per product, all at once: the consumer gets many events of the same pairs together.
        await Task.WhenAll(products.SelectMany(product => Enumerable.Range(0, 10).Select(_ => SellAsync(store.Id, product, 1))));

        foreach (var product in products)
        {
            await WaitUntilProcessedAsync(store.Id, product);
            var alert = await ActiveAlertAsync(store.Id, product, "low_stock");
            Assert.Equal(10m, alert.OnHand);
        }

        Assert.Equal(8, await CountAsync("SELECT count(*) FROM bazaar.inventory_alerts WHERE store_id = $1", store.Id));
        Assert.Equal(88, await CountAsync(
            "SELECT count(*) FROM bazaar.inventory_events e JOIN bazaar.processed_events p ON p.event_id = e.id AND p.consumer = 'alerts' WHERE e.store_id = $1 AND e.type = 'stock.changed'",
            store.Id));
        Assert.Equal(8, await CountAsync("SELECT count(*) FROM bazaar.inventory_events WHERE store_id = $1 AND type = 'alert.opened'", store.Id));
    }

    [Fact]
    public async Task A_batch_evaluates_each_pair_once_for_its_new_events_and_answers_duplicate_for_events_seen_before()
    {
        var store = await _api.NewStoreAsync();
        var low = await NewProductAsync(reorderPoint: 0);
        var plenty = await NewProductAsync(reorderPoint: 0);
        await _api.AddStockAsync(store.Id, low, 5);
        await _api.AddStockAsync(store.Id, plenty, 50);
        await SellAsync(store.Id, low, 1);
        await SellAsync(store.Id, low, 1);
        await WaitUntilProcessedAsync(store.Id, low);
        await WaitUntilProcessedAsync(store.Id, plenty);

        // The point is raised behind the Worker's back (no threshold event), so only this test's
        // batch, under a consumer name of its own, can open the alert.
        await using var db = await OwnerAsync();
        await using (var raise = db.CreateCommand("INSERT INTO bazaar.stock_thresholds (store_id, product_id, reorder_point) VALUES ($1, $2, 8)"))
        {
            raise.Parameters.Add(new NpgsqlParameter { Value = store.Id });
            raise.Parameters.Add(new NpgsqlParameter { Value = low });
            await raise.ExecuteNonQueryAsync();
        }

        var events = new List<(long Id, Guid Product)>();
        await using (var read = db.CreateCommand("SELECT id, product_id FROM bazaar.inventory_events WHERE store_id = $1 AND type = 'stock.changed' ORDER BY id DESC"))
        {
            read.Parameters.Add(new NpgsqlParameter { Value = store.Id });
            await using var reader = await read.ExecuteReaderAsync();
            while (await reader.ReadAsync())
            {
                events.Add((reader.GetInt64(0), reader.GetGuid(1)));
            }
        }

        Assert.Equal(4, events.Count); // low: stock-in and two sales; plenty: stock-in
        var consumer = $"test-batch-{Guid.NewGuid():N}";
        var first = await ApplyBatchAsync(db, consumer, store.Id, events);
        var newestLow = events.Where(e => e.Product == low).Max(e => e.Id);
        Assert.Equal("opened", first[newestLow]);
        Assert.All(events.Where(e => e.Id != newestLow), e => Assert.Equal("none", first[e.Id]));

        var again = await ApplyBatchAsync(db, consumer, store.Id, events);
        Assert.All(events, e => Assert.Equal("duplicate", again[e.Id]));

        var alert = await ActiveAlertAsync(store.Id, low, "low_stock");
        Assert.Equal((3m, newestLow), (alert.OnHand, alert.LastEventId));
        Assert.Equal(1, await CountAsync("SELECT count(*) FROM bazaar.inventory_alerts WHERE store_id = $1", store.Id));
        Assert.Equal(4, await CountAsync("SELECT count(*) FROM bazaar.processed_events WHERE consumer = $1", consumer));
    }

    private static async Task<Dictionary<long, string>> ApplyBatchAsync(NpgsqlDataSource db, string consumer, Guid store, List<(long Id, Guid Product)> events)
    {
        await using var command = db.CreateCommand("SELECT event_id, outcome FROM bazaar.apply_stock_alerts($1, $2, $3, $4, $5)");
        command.Parameters.Add(new NpgsqlParameter { Value = consumer });
        command.Parameters.Add(new NpgsqlParameter { Value = events.Select(e => e.Id).ToArray() });
        command.Parameters.Add(new NpgsqlParameter { Value = events.Select(_ => store).ToArray() });
        command.Parameters.Add(new NpgsqlParameter { Value = events.Select(e => e.Product).ToArray() });
        command.Parameters.Add(new NpgsqlParameter { Value = events.Select(_ => "").ToArray() });
        var outcomes = new Dictionary<long, string>();
        await using var reader = await command.ExecuteReaderAsync();
        while (await reader.ReadAsync())
        {
            outcomes.Add(reader.GetInt64(0), reader.GetString(1));
        }

        return outcomes;
    }

    [Fact]
    public async Task A_poison_message_is_dead_lettered_after_five_deliveries_while_a_hundred_good_ones_behind_it_are_applied()
    {
        var store = await _api.NewStoreAsync();
        var product = await NewProductAsync(reorderPoint: 0);
        await _api.AddStockAsync(store.Id, product, 100);
        await WaitUntilProcessedAsync(store.Id, product);

        var poisonId = $"poison-{Guid.NewGuid():N}";
        await PublishAsync(EventTypes.StockChanged, Encoding.UTF8.GetBytes("{\"not\": \"an event\""), poisonId);
        for (var i = 0; i < 100; i++)
        {
            await SellAsync(store.Id, product, 1);
        }

        await WaitUntilProcessedAsync(store.Id, product, TimeSpan.FromSeconds(60));
        Assert.Equal(101, await CountAsync(
            "SELECT count(*) FROM bazaar.processed_events p JOIN bazaar.inventory_events e ON e.id = p.event_id WHERE p.consumer = 'alerts' AND e.store_id = $1", store.Id));
        var alert = await ActiveAlertAsync(store.Id, product, "out_of_stock");
        Assert.Equal(0m, alert.OnHand);

        await Eventually.IsTrueAsync(async () => await CountAsync(
            "SELECT count(*) FROM bazaar.dead_letters WHERE message_id = $1", poisonId) == 1, TimeSpan.FromSeconds(30), "the poison message in the dead letters");
        await using var db = await OwnerAsync();
        await using var command = db.CreateCommand("SELECT queue, reason, routing_key, headers::text FROM bazaar.dead_letters WHERE message_id = $1");
        command.Parameters.Add(new NpgsqlParameter { Value = poisonId });
        await using var reader = await command.ExecuteReaderAsync();
        Assert.True(await reader.ReadAsync());
        Assert.Equal(Messaging.AlertsQueue, reader.GetString(0));
        Assert.Equal("delivery_limit", reader.GetString(1));
        Assert.Equal(EventTypes.StockChanged, reader.GetString(2));

        // Five deliveries, each failed and given back by a Worker (either replica), then no more.
        var attempts = 0;
        foreach (var worker in await fixture.Runner.InstancesAsync(ResourceNames.Worker))
        {
            attempts += (await fixture.Runner.LogsAsync(worker)).Count(line => line.Content.Contains(poisonId, StringComparison.Ordinal) && line.Content.Contains("given back", StringComparison.Ordinal));
        }

        Assert.Equal(Messaging.DeliveryLimit, attempts);
    }

    [Fact]
    public async Task One_trace_runs_from_the_sale_through_the_published_event_to_the_alert_the_consumer_opened()
    {
        var store = await _api.NewStoreAsync();
        var product = await NewProductAsync(reorderPoint: 5);
        await _api.AddStockAsync(store.Id, product, 6);

        // The consumer judges by current stock: had it not applied the stock-in before the sale, the
        // stock-in's event would be the one to open the alert (in the stock-in's trace).
        await WaitUntilProcessedAsync(store.Id, product);
        await using var tap = await EventTap.StartAsync(fixture.App, EventTypes.StockChanged);

        await SellAsync(store.Id, product, 1);

        // The sale's request trace, as the ledger stored it on the outbox row …
        await using var db = await OwnerAsync();
        var stored = await TraceParentAsync(db, store.Id, "stock.changed", "AND payload->>'kind' = 'sale'");
        var traceId = stored.Split('-')[1];

        // … travels with the message (a child span: same trace, its own span) …
        var message = await Eventually.ReturnsAsync(
            () => Task.FromResult(tap.ForStores(store.Id).FirstOrDefault(r => r.Event.Payload.GetProperty("kind").GetString() == MovementKinds.Sale)),
            Deadline, "the sale's event");
        Assert.NotNull(message.TraceParent);
        Assert.Equal(traceId, message.TraceParent.Split('-')[1]);
        Assert.NotEqual(stored, message.TraceParent);

        // … and the alert event the consumer wrote continues it.
        await ActiveAlertAsync(store.Id, product, "low_stock");
        var alertTrace = await Eventually.ReturnsAsync(
            async () => await TraceParentAsync(db, store.Id, "alert.opened", ""), Deadline, "the alert.opened event");
        Assert.Equal(traceId, alertTrace.Split('-')[1]);
    }

    private static async Task<string> TraceParentAsync(NpgsqlDataSource db, Guid store, string type, string condition)
    {
        await using var command = db.CreateCommand($"SELECT trace_parent FROM bazaar.inventory_events WHERE store_id = $1 AND type = $2 {condition}");
        command.Parameters.Add(new NpgsqlParameter { Value = store });
        command.Parameters.Add(new NpgsqlParameter { Value = type });
        var traceParent = (string?)await command.ExecuteScalarAsync();
        Assert.NotNull(traceParent);
        Assert.Matches("^00-[0-9a-f]{32}-[0-9a-f]{16}-0[01]$", traceParent);
        return traceParent;
    }

    private sealed record ActiveAlert(long Id, decimal OnHand, long LastEventId);

    private sealed record StoredEvent(long Id, byte[] Body);

    private async Task<Guid> NewProductAsync(decimal reorderPoint)
    {
        using var response = await _api.Http.PostAsJsonAsync("/api/products",
            new ProductRequest($"ALR-{Guid.NewGuid():N}", "Alerted product", "Testing", "each", 1m, ReorderPoint: reorderPoint));
        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        return (await response.Content.ReadFromJsonAsync<Product>())!.Id;
    }

    private async Task SellAsync(Guid store, Guid product, decimal quantity)
    {
        using var response = await _api.Http.PostAsJsonAsync("/api/stock/sale", new MovementRequest(store, product, null, quantity));
        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
    }

    private async Task<NpgsqlDataSource> OwnerAsync() =>
        NpgsqlDataSource.Create((await fixture.App.GetConnectionStringAsync(ResourceNames.BazaarDb))!);

    private async Task<long> CountAsync(string sql, object parameter)
    {
        await using var db = await OwnerAsync();
        await using var command = db.CreateCommand(sql);
        command.Parameters.Add(new NpgsqlParameter { Value = parameter });
        return Convert.ToInt64(await command.ExecuteScalarAsync(), System.Globalization.CultureInfo.InvariantCulture);
    }

    /// <summary>Waits until the alerts consumer applied the latest event of the (store, product).</summary>
    private async Task WaitUntilProcessedAsync(Guid store, Guid product, TimeSpan? deadline = null)
    {
        var latest = await LatestEventAsync(store, product);
        await Eventually.IsTrueAsync(async () => await CountAsync(
            "SELECT count(*) FROM bazaar.processed_events WHERE consumer = 'alerts' AND event_id = $1", latest.Id) == 1,
            deadline ?? Deadline, $"event {latest.Id} to be applied by the alerts consumer");
    }

    private async Task<StoredEvent> LatestEventAsync(Guid store, Guid product)
    {
        await using var db = await OwnerAsync();
        await using var command = db.CreateCommand("""
            SELECT id, json_build_object('id', id, 'type', type, 'storeId', store_id, 'productId', product_id, 'occurredAt', occurred_at, 'payload', payload)::text
            FROM bazaar.inventory_events WHERE store_id = $1 AND product_id = $2 AND type = 'stock.changed' ORDER BY id DESC LIMIT 1
            """);
        command.Parameters.Add(new NpgsqlParameter { Value = store });
        command.Parameters.Add(new NpgsqlParameter { Value = product });
        await using var reader = await command.ExecuteReaderAsync();
        Assert.True(await reader.ReadAsync());
        return new StoredEvent(reader.GetInt64(0), Encoding.UTF8.GetBytes(reader.GetString(1)));
    }

    private async Task<ActiveAlert> ActiveAlertAsync(Guid store, Guid product, string kind) =>
        await Eventually.ReturnsAsync(async () =>
        {
            await using var db = await OwnerAsync();
            await using var command = db.CreateCommand(
                "SELECT id, on_hand, last_event_id FROM bazaar.inventory_alerts WHERE store_id = $1 AND product_id = $2 AND status <> 'resolved' AND kind = $3");
            command.Parameters.Add(new NpgsqlParameter { Value = store });
            command.Parameters.Add(new NpgsqlParameter { Value = product });
            command.Parameters.Add(new NpgsqlParameter { Value = kind });
            await using var reader = await command.ExecuteReaderAsync();
            return await reader.ReadAsync() ? new ActiveAlert(reader.GetInt64(0), reader.GetDecimal(1), reader.GetInt64(2)) : null;
        }, Deadline, $"an active {kind} alert");

    /// <summary>Publishes a message to the inventory exchange as the relay would (persistent, confirmed).</summary>
    private async Task PublishAsync(string routingKey, byte[] body, string messageId)
    {
        var factory = new ConnectionFactory { Uri = new Uri((await fixture.App.GetConnectionStringAsync(ResourceNames.Messaging))!) };
        await using var connection = await factory.CreateConnectionAsync();
        await using var channel = await connection.CreateChannelAsync(new CreateChannelOptions(publisherConfirmationsEnabled: true, publisherConfirmationTrackingEnabled: true));
        await channel.BasicPublishAsync(Messaging.InventoryExchange, routingKey, mandatory: true,
            new BasicProperties { MessageId = messageId, Persistent = true, ContentType = "application/json" }, body);
    }
}
