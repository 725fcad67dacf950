using System.Diagnostics;
using System.Net.Http.Json;
using BazaarCstd.Contracts;
using BazaarCstd.Contracts.Operations;
using BazaarCstd.IntegrationTests.Infrastructure;
using BazaarCstd.IntegrationTests.Operations;

namespace BazaarCstd.IntegrationTests.Events;

/// <summary>
/// The import's crash test, on the chaos app (<see cref="ChaosAppFixture"/>: it kills Worker
/// processes), run after the event chaos tests so no second app is started. Kept in its own file,
/// beside the other import tests; it is part of <see cref="EventChaosTests"/> only to share its app.
/// </summary>
public sealed partial class EventChaosTests
{
    [Fact, Order(3)]
    public async Task A_Worker_killed_mid_way_through_a_50000_row_import_resumes_after_its_restart_and_writes_each_row_exactly_once()
    {
        const int Rows = 50_000;
        var store = await _api.NewStoreAsync();
        var products = new List<Contracts.Catalog.Product>();
        for (var i = 0; i < 5; i++)
        {
            products.Add(await _api.NewProductAsync());
        }

        var csv = ImportClient.Csv(ImportClient.MovementHeader,
            Enumerable.Range(0, Rows).Select(i => $"{store.Code},{products[i % 5].Sku},stock_in,1,,IMPORT-{i},,"));
        using var admin = fixture.CreateApiClient();
        var clock = Stopwatch.StartNew();
        var started = await ImportClient.StartAsync(admin, OperationKinds.Movements, csv);
        var uploaded = clock.Elapsed;

        // Halfway, as issue #16 asks: half the file committed, the other half still to do. Every Worker
        // still alive is killed, so whichever replica holds the message dies with it.
        var midway = await Eventually.ReturnsAsync(async () =>
            await admin.GetFromJsonAsync<Operation>($"/api/operations/{started.Id}") is { RowsDone: >= Rows / 2 } o ? o : null,
            TimeSpan.FromSeconds(180), "half the rows done");
        var victims = await LiveWorkersAsync();
        Assert.NotEmpty(victims);
        foreach (var victim in victims)
        {
            LocalProcess.Kill(victim.Pid);
        }

        await Eventually.IsTrueAsync(() => Task.FromResult(victims.All(v => !LocalProcess.IsRunning(v.Pid))), TimeSpan.FromSeconds(10), "the Workers to die");
        var atKill = (await admin.GetFromJsonAsync<Operation>($"/api/operations/{started.Id}"))!;
        Assert.True(atKill.RowsDone < Rows && atKill.Status == OperationStatuses.Running,
            $"the import should be mid-way when the Workers die: {atKill.RowsDone} of {Rows} done, {atKill.Status}");
        output.WriteLine($"upload of {Rows:N0} rows took {uploaded.TotalSeconds:0.0} s; {midway.RowsDone:N0} done at {clock.Elapsed.TotalSeconds:0.0} s; " +
            $"killed {victims.Length} Worker(s) with {atKill.RowsDone:N0} done");

        // Bring every Worker replica back the way an operator would: its start command.
        var restart = Stopwatch.StartNew();
        using (var cts = new CancellationTokenSource(TimeSpan.FromSeconds(120)))
        {
            foreach (var id in await fixture.Runner.InstancesAsync(ResourceNames.Worker, cancellationToken: cts.Token))
            {
                await fixture.App.ResourceNotifications.WaitForInstanceAsync(id, e => e.Snapshot.State?.Text is not null && e.Snapshot.State.Text != KnownResourceStates.Running, cts.Token);
                var start = await fixture.App.ResourceCommands.ExecuteCommandAsync(id, KnownResourceCommands.StartCommand, cts.Token);
                Assert.True(start.Success, $"starting {id} again: {start.Message}");
            }

            foreach (var id in await fixture.Runner.InstancesAsync(ResourceNames.Worker, cancellationToken: cts.Token))
            {
                await fixture.App.ResourceNotifications.WaitForInstanceAsync(id, InstanceStates.IsRunningAndHealthy, cts.Token);
            }
        }

        var back = restart.Elapsed;
        var done = await ImportClient.FinishedAsync(admin, started.Id, TimeSpan.FromSeconds(180));
        output.WriteLine($"Workers healthy {back.TotalSeconds:0.0} s after the start commands; the import finished {restart.Elapsed.TotalSeconds:0.0} s after them, " +
            $"{clock.Elapsed.TotalSeconds:0.0} s after the upload began");

        Assert.Equal((OperationStatuses.Succeeded, Rows, Rows, 0), (done.Status, done.RowsTotal, done.RowsDone, done.RowsFailed));
        Assert.Equal(Rows, await new ImportClient(fixture).MovementCountAsync(started.Id));
        foreach (var product in products)
        {
            Assert.Equal(Rows / 5m, await _api.OnHandAsync(store.Id, product.Id));
        }

        Assert.Equal(0, await _api.InconsistentLevelsAsync());
    }

    /// <summary>The Worker replicas running now (the relay test leaves one dead), with the pid of the Worker process itself.</summary>
    private async Task<ChaosAppFixture.WorkerReplica[]> LiveWorkersAsync()
    {
        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(10));
        var live = new List<ChaosAppFixture.WorkerReplica>();
        foreach (var id in await fixture.Runner.InstancesAsync(ResourceNames.Worker, cancellationToken: cts.Token))
        {
            if (!fixture.App.ResourceNotifications.TryGetCurrentState(id, out var state) || state.Snapshot.State?.Text != KnownResourceStates.Running)
            {
                continue;
            }

            var worker = LocalProcess.TreeOf(fixture.ProcessIdOf(id)).LastOrDefault(p => p.Environment("PGAPPNAME") is not null);
            if (worker is not null)
            {
                live.Add(new ChaosAppFixture.WorkerReplica(id, worker.Environment("PGAPPNAME")!, worker.Pid));
            }
        }

        return [.. live];
    }

}
