using System.Net.Http.Json;
using BazaarCstd.Contracts;
using BazaarCstd.IntegrationTests.Infrastructure;

namespace BazaarCstd.IntegrationTests.Events;

/// <summary>
/// The read replica stopped and started again, on the chaos app: on the shared app the other tests
/// watch the resources' health. Order 3 like the import crash test (the orderer's sort is stable, and
/// neither test needs the other); both run before the last-admin race and the shutdown check, which
/// must stay last. Kept in its own file; part of <see cref="EventChaosTests"/> only to share its app.
/// </summary>
public sealed partial class EventChaosTests
{
    [Fact, Order(3)]
    public async Task Reads_keep_answering_from_the_primary_while_the_replica_is_stopped_and_return_to_it_once_it_is_back()
    {
        var store = await _api.NewStoreAsync();
        var product = await _api.NewProductAsync();
        await _api.AddStockAsync(store.Id, product.Id, 100);
        ReadsInfo? before = null;
        try
        {
            await Eventually.IsTrueAsync(async () =>
            {
                Assert.Equal(100m, await _api.OnHandAsync(store.Id, product.Id));
                return (before = await ServedByAsync()) is { ReplicaServing: true, LastServedBy: "replica" };
            }, TimeSpan.FromSeconds(10), "reads served by the replica before it stops");
        }
        catch (TimeoutException timeout)
        {
            throw new TimeoutException($"{timeout.Message} Last seen: {before}", timeout);
        }

        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        var replica = (await fixture.Runner.InstancesAsync(ResourceNames.PostgresReplica, cancellationToken: cts.Token)).Single();
        var stop = await fixture.App.ResourceCommands.ExecuteCommandAsync(replica, KnownResourceCommands.StopCommand, cts.Token);
        Assert.True(stop.Success, $"stopping {replica}: {stop.Message}");
        await fixture.App.ResourceNotifications.WaitForInstanceAsync(replica, e => e.Snapshot.State?.Text is { } state && state != KnownResourceStates.Running, cts.Token);

        // Every read is answered, from the primary, and sees the writes made meanwhile.
        var stopped = System.Diagnostics.Stopwatch.StartNew();
        for (var sold = 1; sold <= 10; sold++)
        {
            using var sale = await _api.Http.PostAsJsonAsync("/api/stock/sale", new Contracts.Stock.MovementRequest(store.Id, product.Id, null, 1));
            Assert.Equal(HttpStatusCode.Created, sale.StatusCode);
            Assert.Equal(100m - sold, await _api.OnHandAsync(store.Id, product.Id));
        }

        var down = await ServedByAsync();
        Assert.True(down is { ReplicaServing: false, LastServedBy: "primary" }, $"with the replica stopped reads should go to the primary: {down}");
        output.WriteLine($"replica stopped: 10 sales and reads in {stopped.Elapsed.TotalSeconds:0.0} s; {down}");

        var start = await fixture.App.ResourceCommands.ExecuteCommandAsync(replica, KnownResourceCommands.StartCommand, cts.Token);
        Assert.True(start.Success, $"starting {replica} again: {start.Message}");
        await fixture.App.ResourceNotifications.WaitForInstanceAsync(replica, InstanceStates.IsRunningAndHealthy, cts.Token);

        var restarted = System.Diagnostics.Stopwatch.StartNew();
        var back = await Eventually.ReturnsAsync(async () =>
        {
            Assert.Equal(90m, await _api.OnHandAsync(store.Id, product.Id));
            return await ServedByAsync() is { ReplicaServing: true, LastServedBy: "replica" } reads ? reads : null;
        }, TimeSpan.FromSeconds(60), "reads served by the replica again");
        output.WriteLine($"replica back: reads served by it {restarted.Elapsed.TotalSeconds:0.0} s after it was healthy; {back}");
    }

    /// <summary>Where the chaos app's one API replica sent its reads.</summary>
    private async Task<ReadsInfo> ServedByAsync() =>
        (await _api.Http.GetFromJsonAsync<SystemInfo>("/api/system/info"))!.Reads;
}
