using System.Diagnostics;
using System.Text.Json;
using BazaarCstd.Contracts;
using Npgsql;

namespace BazaarCstd.Chaos;

/// <summary>
/// One chaos run on a running app: seeds the run's own stores and products, publishes the
/// deliberate poison, lets the tills record <see cref="ChaosOptions.Operations"/> operations while
/// <see cref="ChaosKiller"/> kills and restarts components, waits (bounded) for the outbox to drain
/// and the consumers to settle, then checks every invariant. Every loop is bounded in time; only
/// loopback addresses are used (the app's own endpoints).
/// </summary>
public sealed class ChaosRun(ChaosTarget target, ChaosOptions options, Action<string> log)
{
    public async Task<ChaosReport> RunAsync(CancellationToken cancellationToken = default)
    {
        var runId = Guid.NewGuid().ToString("N")[..8];
        var phases = new List<(string, double)>();
        var phase = Stopwatch.StartNew();
        using var handler = new SocketsHttpHandler
        {
            MaxConnectionsPerServer = options.Clients + 4,
            ConnectTimeout = TimeSpan.FromSeconds(5),
            PooledConnectionLifetime = TimeSpan.FromMinutes(1),
        };
        using var http = new HttpClient(handler) { BaseAddress = target.App.GetEndpoint(ResourceNames.Api, "http"), Timeout = options.RequestTimeout };
        await using var database = NpgsqlDataSource.Create((await target.App.GetConnectionStringAsync(ResourceNames.BazaarDb, cancellationToken))!);

        var runStart = DateTimeOffset.UtcNow;
        ChaosSeeder.Authorize(http, await ChaosSeeder.SignInAsync(http, options, cancellationToken));
        var data = await ChaosSeeder.SeedAsync(http, options, runId, cancellationToken);
        var poison = await PoisonMessages.PublishAsync(target.App, options.PoisonMessages, runId, cancellationToken);
        phases.Add(($"seed {data.Stores.Count} stores × {data.Products.Count} products, stock {data.Stocked.Count:N0} shelves, publish {poison.Count} poison messages", phase.Elapsed.TotalSeconds));
        log($"run {runId}: seeded {data.Stores.Count} stores × {data.Products.Count} products in {phase.Elapsed.TotalSeconds:0.0} s; {options.Operations:N0} operations by {options.Clients} tills begin");

        phase.Restart();
        var clock = Stopwatch.StartNew();
        var deadline = DateTimeOffset.UtcNow + options.DurationCap;
        var answerDeadline = deadline + options.AnswerGrace;
        using var cap = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        cap.CancelAfter(options.DurationCap + options.AnswerGrace + options.RequestTimeout + TimeSpan.FromSeconds(5));
        var sender = new KeyedSender(http, () => answerDeadline);
        var tills = new Tills(options, data, sender, runId, () => deadline);
        var killer = new ChaosKiller(target, options, () => clock.Elapsed.TotalSeconds, log);
        var selling = tills.RunAsync(cap.Token);
        // Kills stop with the last operation or at the cap, whichever comes first: past the cap the
        // operations in flight only finish (AnswerGrace).
        var killing = killer.RunAsync(Task.WhenAny(selling, Task.Delay(options.DurationCap, cap.Token)), cap.Token);
        using (var progress = new PeriodicTimer(TimeSpan.FromSeconds(10)))
        {
            while (await Task.WhenAny(selling, progress.WaitForNextTickAsync(cancellationToken).AsTask()) != selling)
            {
                log($"{clock.Elapsed.TotalSeconds,7:0.0} s  {tills.Done:N0} of {options.Operations:N0} operations done");
            }
        }

        await selling;
        var operationSeconds = clock.Elapsed.TotalSeconds;
        log($"{operationSeconds,7:0.0} s  all {tills.Done:N0} operations done; waiting for the restarts in flight");
        await killing;
        phases.Add(($"operations under kills ({tills.Done:N0} of {options.Operations:N0} by {options.Clients} tills)", operationSeconds));
        phases.Add(("restarts still in flight after the last operation", phase.Elapsed.TotalSeconds - operationSeconds));

        phase.Restart();
        var settled = await SettleAsync(database, data, poison, cancellationToken);
        phases.Add(($"outbox drained and consumers settled{(settled ? "" : " (NOT within the drain timeout)")}", phase.Elapsed.TotalSeconds));
        log($"settled: {settled} after {phase.Elapsed.TotalSeconds:0.0} s; checking the invariants");

        phase.Restart();
        var operations = tills.Operations;
        if (options.OperationLogPath is { } path)
        {
            await WriteLogAsync(path, operations, cancellationToken);
        }

        var invariants = await new InvariantChecks(database, data, operations, tills.KeyPrefix).CheckAsync(runStart.AddSeconds(-1), poison, cancellationToken);
        phases.Add(("invariant checks", phase.Elapsed.TotalSeconds));
        return new ChaosReport(options, runId, phases, operations.Count, operationSeconds, killer.Kills,
            new Dictionary<string, int>(sender.RetriedOn), new Dictionary<string, string>(sender.Examples), invariants);
    }

    /// <summary>
    /// Waits until no event of the run's stores waits in the outbox, the alerts consumer applied
    /// every <c>stock.changed</c> one, and every poison message is a dead letter; false at the deadline.
    /// </summary>
    private async Task<bool> SettleAsync(NpgsqlDataSource database, ChaosDataset data, IReadOnlyList<string> poison, CancellationToken ct)
    {
        var until = DateTimeOffset.UtcNow + options.DrainTimeout;
        var last = "";
        while (true)
        {
            await using (var command = database.CreateCommand("""
                SELECT (SELECT count(*) FROM bazaar.inventory_events e WHERE e.store_id = ANY($1) AND e.published_at IS NULL),
                       (SELECT count(*) FROM bazaar.inventory_events e WHERE e.store_id = ANY($1) AND e.type = 'stock.changed'
                          AND NOT EXISTS (SELECT 1 FROM bazaar.processed_events p WHERE p.consumer = 'alerts' AND p.event_id = e.id)),
                       (SELECT count(DISTINCT message_id) FROM bazaar.dead_letters WHERE message_id = ANY($2))
                """))
            {
                command.Parameters.Add(new NpgsqlParameter { Value = data.Stores.ToArray() });
                command.Parameters.Add(new NpgsqlParameter { Value = poison.ToArray() });
                await using var reader = await command.ExecuteReaderAsync(ct);
                await reader.ReadAsync(ct);
                var (unpublished, unapplied, deadPoison) = (reader.GetInt64(0), reader.GetInt64(1), reader.GetInt64(2));
                if (unpublished == 0 && unapplied == 0 && deadPoison == poison.Count)
                {
                    return true;
                }

                last = $"{unpublished:N0} events unpublished, {unapplied:N0} not yet applied by the alerts consumer, {deadPoison} of {poison.Count} poison messages dead-lettered";
            }

            if (DateTimeOffset.UtcNow > until)
            {
                log($"not settled after {options.DrainTimeout.TotalSeconds:0} s: {last}");
                return false;
            }

            await Task.Delay(500, ct);
        }
    }

    private static async Task WriteLogAsync(string path, IReadOnlyList<TillOperation> operations, CancellationToken ct)
    {
        await using var file = File.CreateText(path);
        foreach (var o in operations)
        {
            await file.WriteLineAsync(JsonSerializer.Serialize(new
            {
                o.Key, o.Kind, o.Till, Body = JsonSerializer.Deserialize<JsonElement>(o.Body), o.Status, o.Problem, o.Attempts, o.Replayed, o.MovementIds,
            }, JsonSerializerOptions.Web).AsMemory(), ct);
        }
    }
}
