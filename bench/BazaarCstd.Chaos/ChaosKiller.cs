using BazaarCstd.IntegrationTests.Infrastructure;
using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace BazaarCstd.Chaos;

/// <summary>
/// Kills the app's components with SIGKILL at random moments while the tills work, and brings each
/// back as an operator would: the resource's start command (<c>KnownResourceCommands.StartCommand</c>),
/// then its health check. Components take turns in a shuffled rotation; a component is killed again
/// only once it is healthy, so several may be down at once but each at most once, and each for a
/// bounded time (<see cref="ChaosOptions.MaxDown"/> + its restart).
/// </summary>
public sealed class ChaosKiller(ChaosTarget target, ChaosOptions options, Func<double> clock, Action<string> log)
{
    private static readonly string[] DownStates = [KnownResourceStates.Exited, KnownResourceStates.Finished, KnownResourceStates.FailedToStart];

    private readonly List<KillRecord> _kills = [];
    private readonly Random _random = new(options.Seed);

    public IReadOnlyList<KillRecord> Kills
    {
        get
        {
            lock (_kills)
            {
                return [.. _kills];
            }
        }
    }

    /// <summary>
    /// Kills until <paramref name="done"/> completes and every component was killed
    /// <see cref="ChaosOptions.MinimumKillsEach"/> times, or <paramref name="cancellationToken"/> ends
    /// it; then waits for the restarts in flight (each bounded by <see cref="ChaosOptions.RestartTimeout"/>).
    /// </summary>
    public async Task RunAsync(Task done, CancellationToken cancellationToken)
    {
        var restarts = new Dictionary<ChaosComponent, Task>();
        var killsOf = ChaosComponent.All.ToDictionary(c => c, _ => 0);
        var rotation = new Queue<ChaosComponent>();
        while (!cancellationToken.IsCancellationRequested
            && (!done.IsCompleted || killsOf.Values.Any(k => k < options.MinimumKillsEach)))
        {
            var wait = options.KillEvery * (0.5 + _random.NextDouble());
            await Task.WhenAny(Task.Delay(wait, cancellationToken), done.IsCompleted ? Task.Delay(Timeout.Infinite, cancellationToken) : done)
                .ContinueWith(_ => { }, TaskScheduler.Default);
            if (cancellationToken.IsCancellationRequested || (done.IsCompleted && killsOf.Values.All(k => k >= options.MinimumKillsEach)))
            {
                break;
            }

            if (rotation.Count == 0)
            {
                foreach (var component in ChaosComponent.All.OrderBy(_ => _random.Next()))
                {
                    rotation.Enqueue(component);
                }
            }

            // The next component in turn that is up again; when all are still down, wait for the next moment.
            ChaosComponent? next = null;
            for (var i = 0; i < rotation.Count && next is null; i++)
            {
                var candidate = rotation.Dequeue();
                if (restarts.TryGetValue(candidate, out var restart) && !restart.IsCompleted)
                {
                    rotation.Enqueue(candidate);
                    continue;
                }

                next = candidate;
            }

            if (next is null)
            {
                continue;
            }

            killsOf[next]++;
            restarts[next] = KillAndRestartAsync(next, cancellationToken);
        }

        await Task.WhenAll(restarts.Values);
    }

    private async Task KillAndRestartAsync(ChaosComponent component, CancellationToken cancellationToken)
    {
        var instance = "";
        var pid = 0;
        var killedAt = clock();
        double? startedAt = null;
        try
        {
            using var bounded = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            bounded.CancelAfter(options.RestartTimeout);
            var ct = bounded.Token;
            var instances = await target.InstancesAsync(component.Resource, ct);
            instance = instances[_random.Next(instances.Length)];
            var tree = LocalProcess.TreeOf(ProcessIdOf(instance));
            var victim = component.Victim(tree, target.DataRoot)
                ?? throw new InvalidOperationException($"no process to kill in {string.Join("; ", tree.Select(p => $"{p.Pid} {p.Name}"))}");
            pid = victim.Pid;
            killedAt = clock();
            LocalProcess.Kill(victim.Pid);
            log($"{killedAt,7:0.0} s  kill -9 {component.Name} {instance} (pid {victim.Pid})");

            // Gone, with what it started (a postmaster's backends end when they see it die; a new
            // postmaster refuses to start while one of them still holds the old shared memory).
            var below = tree.SkipWhile(p => p.Pid != victim.Pid).Select(p => p.Pid).ToList();
            await UntilAsync(() => below.All(p => !LocalProcess.IsRunning(p)), ct);
            await WaitForStateAsync(instance, e => e.Snapshot.State?.Text is { } state && DownStates.Contains(state), ct);

            await Task.Delay(options.MaxDown * _random.NextDouble(), ct);
            var start = await target.App.ResourceCommands.ExecuteCommandAsync(instance, KnownResourceCommands.StartCommand, ct);
            if (!start.Success)
            {
                throw new InvalidOperationException($"its start command failed: {start.Message}");
            }

            startedAt = clock();
            await WaitForStateAsync(instance, e => e.Snapshot.State?.Text == KnownResourceStates.Running && e.Snapshot.HealthStatus == HealthStatus.Healthy, ct);
            var healthyAt = clock();
            log($"{healthyAt,7:0.0} s  {component.Name} {instance} healthy again, {healthyAt - killedAt:0.0} s after the kill");
            Add(new KillRecord(component.Name, instance, pid, killedAt, startedAt, healthyAt, null));
        }
        catch (Exception ex) when (ex is InvalidOperationException or OperationCanceledException or TimeoutException)
        {
            log($"{clock(),7:0.0} s  {component.Name} {instance}: {ex.Message}");
            Add(new KillRecord(component.Name, instance, pid, killedAt, startedAt, null, ex.Message));
        }
    }

    private void Add(KillRecord kill)
    {
        lock (_kills)
        {
            _kills.Add(kill);
        }
    }

    /// <summary>The pid Aspire reports for a resource instance (what DCP started).</summary>
    private int ProcessIdOf(string instance)
    {
        if (!target.App.ResourceNotifications.TryGetCurrentState(instance, out var state))
        {
            throw new InvalidOperationException($"no resource {instance}");
        }

        var pid = state.Snapshot.Properties.SingleOrDefault(p => p.Name == "executable.pid")?.Value
            ?? throw new InvalidOperationException($"{instance} reports no process id");
        return Convert.ToInt32(pid, System.Globalization.CultureInfo.InvariantCulture);
    }

    private async Task WaitForStateAsync(string instance, Func<ResourceEvent, bool> predicate, CancellationToken ct)
    {
        if (target.App.ResourceNotifications.TryGetCurrentState(instance, out var current) && predicate(current))
        {
            return;
        }

        await foreach (var e in target.App.ResourceNotifications.WatchAsync(ct))
        {
            if (e.ResourceId == instance && predicate(e))
            {
                return;
            }
        }
    }

    private static async Task UntilAsync(Func<bool> condition, CancellationToken ct)
    {
        while (!condition())
        {
            await Task.Delay(50, ct);
        }
    }
}
