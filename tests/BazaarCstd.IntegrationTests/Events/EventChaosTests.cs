using System.Diagnostics;
using BazaarCstd.Contracts;
using BazaarCstd.Contracts.Catalog;
using BazaarCstd.Contracts.Events;
using BazaarCstd.IntegrationTests.Infrastructure;
using BazaarCstd.IntegrationTests.Inventory;
using Npgsql;
using Xunit.Abstractions;

namespace BazaarCstd.IntegrationTests.Events;

/// <summary>
/// The event flow when its processes die, on a private app (<see cref="ChaosAppFixture"/> says why),
/// in a fixed order: the RabbitMQ kill first (it restarts the broker), then the relay kill (it leaves
/// one Worker replica). Each test makes its own store and reads only its events.
/// </summary>
[TestCaseOrderer(OrderAttribute.OrdererTypeName, OrderAttribute.OrdererAssemblyName)]
public sealed partial class EventChaosTests(ChaosAppFixture fixture, ITestOutputHelper output) : IClassFixture<ChaosAppFixture>
{
    // Long enough that most counted sales come after the broker's kill, which waits for a Worker's restart first.
    private static readonly TimeSpan SellingTime = TimeSpan.FromSeconds(16);
    private static readonly TimeSpan TakeoverBudget = TimeSpan.FromSeconds(5);

    private readonly InventoryApi _api = new(fixture);

    [Fact, Order(1)]
    public async Task Sales_go_on_while_RabbitMQ_is_killed_a_Worker_started_meanwhile_waits_for_it_and_once_it_is_back_every_event_arrives_and_the_alerts_are_right()
    {
        var store = await _api.NewStoreAsync();

        // The subscriber's durable queue exists before the first movement, so it must end up holding every event.
        await using var tap = await EventTap.StartAsync(fixture.App, EventTypes.StockChanged, durableQueue: $"chaos-tap-{store.Id:N}");

        // Sold to nothing (out of stock), sold to 15 under a reorder point of 20 (low), and plenty (no alert).
        var empty = await StockedProductsAsync(store.Id, 2, reorderPoint: 10, stock: 40);
        var low = await StockedProductsAsync(store.Id, 2, reorderPoint: 20, stock: 60);
        var plenty = await StockedProductsAsync(store.Id, 4, reorderPoint: 10, stock: 1_000_000);

        // The counted sales spread evenly over the selling time, so most of them happen while the
        // broker is down; the tills sell the plentiful products in between.
        List<Guid> counted = [.. empty.SelectMany(p => Enumerable.Repeat(p, 40)).Concat(low.SelectMany(p => Enumerable.Repeat(p, 45))).OrderBy(_ => Random.Shared.Next())];
        var taken = 0;
        var clock = Stopwatch.StartNew();
        Guid? Next()
        {
            var elapsed = clock.Elapsed;
            var due = elapsed >= SellingTime ? counted.Count : (int)(counted.Count * (elapsed / SellingTime));
            if (Volatile.Read(ref taken) < due && Interlocked.Increment(ref taken) - 1 is var i && i < counted.Count)
            {
                return counted[i];
            }

            return elapsed >= SellingTime ? null : plenty[Random.Shared.Next(plenty.Count)];
        }

        var broker = fixture.Broker();
        var tills = new Tills(fixture, store.Id);
        var selling = tills.RunAsync(clients: 6, Next);

        // The flow is live when the broker dies: sales' events are reaching the subscriber.
        await Eventually.IsTrueAsync(() => Task.FromResult(tap.ForStores(store.Id).Count >= 50 || selling.IsCompleted), TimeSpan.FromSeconds(30), "events at the subscriber before the kill");
        Assert.False(selling.IsCompleted, "the sales ended before the broker was killed");

        // A Worker replica is starting when the broker dies: killed and started again, and the broker
        // killed as soon as its process runs, before it can have connected (a .NET start takes longer).
        // Such a Worker exited for good (bench/chaos.sh, 2026-12-04: RabbitMQ killed during a Worker's
        // start); now it waits for the broker.
        var restarted = (await fixture.WorkerReplicasAsync())[0];
        LocalProcess.Kill(restarted.Pid);
        using (var restarting = new CancellationTokenSource(TimeSpan.FromSeconds(60)))
        {
            await fixture.App.ResourceNotifications.WaitForInstanceAsync(restarted.ResourceId, InstanceStates.IsDown, restarting.Token);
            var workerStarted = await fixture.App.ResourceCommands.ExecuteCommandAsync(restarted.ResourceId, KnownResourceCommands.StartCommand, restarting.Token);
            Assert.True(workerStarted.Success, $"starting {restarted.ResourceId} again: {workerStarted.Message}");
            // Down was seen before the start command, so this Running is the new process's.
            await fixture.App.ResourceNotifications.WaitForInstanceAsync(restarted.ResourceId,
                e => e.Snapshot.State?.Text == KnownResourceStates.Running, restarting.Token);
        }

        var soldBeforeKill = tills.Sold;
        LocalProcess.Kill(broker.Pid);
        var killedAt = clock.Elapsed;
        await Eventually.IsTrueAsync(() => Task.FromResult(!LocalProcess.IsRunning(broker.Pid)), TimeSpan.FromSeconds(10), $"beam.smp ({broker.Pid}) to die");

        await selling;
        Assert.True(tills.Failures.Count == 0, $"{tills.Failures.Count} sales were not 201, e.g. {tills.Failures.FirstOrDefault()}");
        Assert.True(tills.Sold - soldBeforeKill > counted.Count / 2, $"only {tills.Sold - soldBeforeKill} sales while the broker was down");
        var waiting = await ScalarAsync<long>("SELECT count(*) FROM bazaar.inventory_events WHERE store_id = $1 AND published_at IS NULL", store.Id);
        Assert.True(waiting > 0, "with the broker down, the outbox should be holding the sales' events");
        output.WriteLine($"{tills.Sold} sales in {clock.Elapsed.TotalSeconds:0.0} s by 6 tills, all 201; broker killed at {killedAt.TotalSeconds:0.0} s after {soldBeforeKill}; {waiting} events waiting in the outbox");

        // The Workers say so: their /health fails (their RabbitMQ check) while the broker is down.
        using var worker = fixture.App.CreateHttpClient(ResourceNames.Worker, "http");
        await Eventually.IsTrueAsync(async () => (await worker.GetAsync("/health")).StatusCode == HttpStatusCode.ServiceUnavailable,
            TimeSpan.FromSeconds(30), "the Worker's /health to fail while RabbitMQ is down");

        // The Worker that was starting when the broker died waits for it instead of exiting.
        await ResourceLogs.WaitForLineAsync(fixture.App, restarted.ResourceId, "RabbitMQ is unavailable", TimeSpan.FromSeconds(60));

        // Bring it back the way an operator would: the resource's start command, then its health check.
        await fixture.App.ResourceNotifications.WaitForResourceAsync(
            ResourceNames.Messaging, InstanceStates.DownStates).WaitAsync(TimeSpan.FromSeconds(30));
        var restart = Stopwatch.StartNew();
        var started = await fixture.App.ResourceCommands.ExecuteCommandAsync(ResourceNames.Messaging, KnownResourceCommands.StartCommand);
        Assert.True(started.Success, $"starting RabbitMQ again: {started.Message}");
        using (var healthy = new CancellationTokenSource(TimeSpan.FromSeconds(60)))
        {
            await fixture.App.ResourceNotifications.WaitForResourceAsync(ResourceNames.Messaging,
                InstanceStates.IsRunningAndHealthy, healthy.Token);
        }

        var brokerBack = restart.Elapsed;
        Assert.NotEqual(broker.Pid, fixture.Broker().Pid);

        // The Worker that started during the outage connects and serves once the broker is back.
        using (var up = new CancellationTokenSource(TimeSpan.FromSeconds(90)))
        {
            await fixture.App.ResourceNotifications.WaitForInstanceAsync(restarted.ResourceId, InstanceStates.IsRunningAndHealthy, up.Token);
        }

        await ResourceLogs.WaitForLineAsync(fixture.App, restarted.ResourceId, "RabbitMQ is back: connecting done after", TimeSpan.FromSeconds(10));

        // Every stock.changed event of the store is published, and each reached the subscriber.
        await Eventually.IsTrueAsync(async () => await ScalarAsync<long>(
            "SELECT count(*) FROM bazaar.inventory_events WHERE store_id = $1 AND published_at IS NULL", store.Id) == 0,
            TimeSpan.FromSeconds(60), "every event of the store published after the restart");
        var allPublished = restart.Elapsed;
        await Eventually.IsTrueAsync(async () => await worker.GetStringAsync("/health") == "Healthy",
            TimeSpan.FromSeconds(30), "the Worker's /health to say Healthy again once the broker is back and the outbox drained");
        var ids = await StockChangedIdsAsync(store.Id);
        Assert.Equal(empty.Count + low.Count + plenty.Count + tills.Sold, ids.Count);
        await AllArrivedAsync(tap, store.Id, ids);
        var allArrived = restart.Elapsed;

        // The alerts consumer came back too: it applied every one of them …
        await Eventually.IsTrueAsync(async () => await ScalarAsync<long>("""
            SELECT count(*) FROM bazaar.inventory_events e
            WHERE e.store_id = $1 AND e.type = 'stock.changed'
              AND NOT EXISTS (SELECT 1 FROM bazaar.processed_events p WHERE p.consumer = 'alerts' AND p.event_id = e.id)
            """, store.Id) == 0, TimeSpan.FromSeconds(60), "the alerts consumer to apply every event of the store");
        var alertsDone = restart.Elapsed;

        // … and each product's open alert is what the rule gives for its final on-hand.
        foreach (var (products, onHand, kind) in new[] { (empty, 0m, "out_of_stock"), (low, 15m, "low_stock"), (plenty, -1m, null) })
        {
            foreach (var product in products)
            {
                if (onHand >= 0)
                {
                    Assert.Equal(onHand, await _api.OnHandAsync(store.Id, product));
                }

                Assert.Equal(kind, await OpenAlertAsync(store.Id, product));
            }
        }

        output.WriteLine($"after the start command: broker healthy in {brokerBack.TotalSeconds:0.0} s, every event published in {allPublished.TotalSeconds:0.0} s, " +
            $"all {ids.Count} at the subscriber in {allArrived.TotalSeconds:0.0} s, alerts applied in {alertsDone.TotalSeconds:0.0} s");
    }

    [Fact, Order(2)]
    public async Task Killing_the_active_relay_hands_publishing_to_the_other_replica_within_five_seconds_and_loses_no_event()
    {
        var store = await _api.NewStoreAsync();
        await using var tap = await EventTap.StartAsync(fixture.App, EventTypes.StockChanged, durableQueue: $"chaos-tap-{store.Id:N}");
        var plenty = await StockedProductsAsync(store.Id, 4, reorderPoint: 10, stock: 1_000_000);

        var workers = await fixture.WorkerReplicasAsync();
        Assert.Equal(2, workers.Length);
        var holder = await Eventually.ReturnsAsync(fixture.RelayLockHolderAsync, TimeSpan.FromSeconds(10), "a Worker holding the relay's lock");
        var leader = workers.Single(w => w.AppName == holder);
        var survivor = workers.Single(w => w != leader);
        output.WriteLine($"active relay: {leader}; the other: {survivor}");

        using var stop = new CancellationTokenSource();
        var tills = new Tills(fixture, store.Id);
        var selling = tills.RunAsync(clients: 4, () => plenty[Random.Shared.Next(plenty.Count)], stop.Token);
        try
        {
            await Eventually.IsTrueAsync(() => Task.FromResult(tap.ForStores(store.Id).Count >= 30), TimeSpan.FromSeconds(30), "events at the subscriber before the kill");

            var killedAt = DateTimeOffset.UtcNow;
            LocalProcess.Kill(leader.Pid);

            // Publishing resumes: the first event of a sale made after the kill reaches the subscriber.
            var first = await Eventually.ReturnsAsync(
                () => Task.FromResult(tap.ForStores(store.Id).Where(r => r.Event.OccurredAt > killedAt).MinBy(r => r.Arrived)),
                TimeSpan.FromSeconds(30), "an event of a sale made after the kill");
            var takeover = first.Arrived - killedAt;
            Assert.False(LocalProcess.IsRunning(leader.Pid), "the killed Worker is still running");
            Assert.Equal(survivor.AppName, await fixture.RelayLockHolderAsync());

            // A few more seconds' worth of sales under the new relay.
            var soldAtTakeover = tills.Sold;
            await Eventually.IsTrueAsync(() => Task.FromResult(tills.Sold >= soldAtTakeover + 100 || selling.IsCompleted), TimeSpan.FromSeconds(30), "100 more sales");
            await stop.CancelAsync();
            await selling;
            Assert.True(tills.Failures.Count == 0, $"{tills.Failures.Count} sales were not 201, e.g. {tills.Failures.FirstOrDefault()}");

            await Eventually.IsTrueAsync(async () => await ScalarAsync<long>(
                "SELECT count(*) FROM bazaar.inventory_events WHERE store_id = $1 AND published_at IS NULL", store.Id) == 0,
                TimeSpan.FromSeconds(30), "every event of the store published");
            var ids = await StockChangedIdsAsync(store.Id);
            Assert.Equal(plenty.Count + tills.Sold, ids.Count);
            await AllArrivedAsync(tap, store.Id, ids);

            // The relay marks a row after the broker confirmed it, so this can come after the arrival.
            var firstPublish = await FirstPublishedAfterAsync(store.Id, killedAt);
            output.WriteLine($"{tills.Sold} sales, all 201; first event of a post-kill sale at the subscriber {takeover.TotalMilliseconds:0} ms after the kill " +
                $"(first row marked published by the survivor {(firstPublish - killedAt).TotalMilliseconds:0} ms after it); all {ids.Count} events arrived");
            Assert.True(takeover < TakeoverBudget, $"publishing resumed {takeover.TotalSeconds:0.0} s after the kill (budget {TakeoverBudget.TotalSeconds} s)");
        }
        finally
        {
            await stop.CancelAsync();
            await selling;
        }
    }

    private async Task<List<Guid>> StockedProductsAsync(Guid storeId, int count, decimal reorderPoint, decimal stock)
    {
        var products = new List<Guid>();
        for (var i = 0; i < count; i++)
        {
            Product product = await _api.NewProductAsync(reorderPoint: reorderPoint);
            await _api.AddStockAsync(storeId, product.Id, stock);
            products.Add(product.Id);
        }

        return products;
    }

    private async Task AllArrivedAsync(EventTap tap, Guid storeId, IReadOnlyCollection<long> ids)
    {
        var missing = ids.ToList();
        try
        {
            await Eventually.IsTrueAsync(() =>
            {
                var arrived = tap.ForStores(storeId).Select(r => r.Event.Id).ToHashSet();
                missing = [.. ids.Where(id => !arrived.Contains(id))];
                return Task.FromResult(missing.Count == 0);
            }, TimeSpan.FromSeconds(30), "every event of the store at the subscriber");
        }
        catch (TimeoutException)
        {
            Assert.Fail($"{missing.Count} of {ids.Count} events never reached the subscriber, e.g. {string.Join(", ", missing.Take(10))}");
        }
    }

    private async Task<List<long>> StockChangedIdsAsync(Guid storeId)
    {
        await using var command = fixture.Database.CreateCommand("SELECT id FROM bazaar.inventory_events WHERE store_id = $1 AND type = 'stock.changed'");
        command.Parameters.Add(new NpgsqlParameter { Value = storeId });
        await using var reader = await command.ExecuteReaderAsync();
        var ids = new List<long>();
        while (await reader.ReadAsync())
        {
            ids.Add(reader.GetInt64(0));
        }

        return ids;
    }

    private async Task<DateTimeOffset> FirstPublishedAfterAsync(Guid storeId, DateTimeOffset after)
    {
        await using var command = fixture.Database.CreateCommand(
            "SELECT min(published_at) FROM bazaar.inventory_events WHERE store_id = $1 AND published_at > $2");
        command.Parameters.Add(new NpgsqlParameter { Value = storeId });
        command.Parameters.Add(new NpgsqlParameter { Value = after });
        await using var reader = await command.ExecuteReaderAsync();
        await reader.ReadAsync();
        return reader.GetFieldValue<DateTimeOffset>(0);
    }

    private async Task<string?> OpenAlertAsync(Guid storeId, Guid productId)
    {
        await using var command = fixture.Database.CreateCommand(
            "SELECT kind FROM bazaar.inventory_alerts WHERE store_id = $1 AND product_id = $2 AND status <> 'resolved'");
        command.Parameters.Add(new NpgsqlParameter { Value = storeId });
        command.Parameters.Add(new NpgsqlParameter { Value = productId });
        return (string?)await command.ExecuteScalarAsync();
    }

    private async Task<T> ScalarAsync<T>(string sql, params object[] parameters)
    {
        await using var command = fixture.Database.CreateCommand(sql);
        foreach (var value in parameters)
        {
            command.Parameters.Add(new NpgsqlParameter { Value = value });
        }

        return (T)(await command.ExecuteScalarAsync())!;
    }
}
