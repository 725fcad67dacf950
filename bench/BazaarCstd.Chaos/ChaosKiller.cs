using BazaarCstd.IntegrationTests.Infrastructure;

namespace BazaarCstd.Chaos;

/// <summary>
/// Kills the app's components with SIGKILL at random moments while the tills work, and brings each
/// back as an operator would: the resource's start command (<c>KnownResourceCommands.StartCommand</c>),
/// then its health check. Components take turns in a shuffled rotation, one outage at a time: a
/// kill comes <see cref="ChaosOptions.KillEvery"/> (± 50 %) after the previous one, and not before
/// every component is Running and Healthy again. Each is down a bounded time
/// (<see cref="ChaosOptions.MaxDown"/>, then its restart, within <see cref="ChaosOptions.RestartTimeout"/>).
/// </summary>
public sealed class ChaosKiller(ChaosTarget target, ChaosOptions options, Func<double> clock, Action<string> log)
{
    private readonly List<KillRecord> _kills = [];
    private readonly Random _random = new(options.Seed);
    private string? _holding;

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
    /// <see cref="ChaosOptions.MinimumKillsEach"/> times, or each was killed
    /// <see cref="ChaosOptions.MaximumKillsEach"/> times, or <paramref name="cancellationToken"/> ends
    /// it; then waits for the restarts in flight (each bounded by <see cref="ChaosOptions.RestartTimeout"/>).
    /// </summary>
    public async Task RunAsync(Task done, CancellationToken cancellationToken)
    {
        Task? restart = null;
        var killsOf = options.Components.ToDictionary(c => c, _ => 0);
        var rotation = new Queue<ChaosComponent>();
        bool Finished() =>
            (done.IsCompleted && killsOf.Values.All(k => k >= options.MinimumKillsEach))
            || (options.MaximumKillsEach is { } most && killsOf.Values.All(k => k >= most));
        while (!cancellationToken.IsCancellationRequested && !Finished())
        {
            var wait = options.KillEvery * (0.5 + _random.NextDouble());
            await Task.WhenAny(Task.Delay(wait, cancellationToken), done.IsCompleted ? Task.Delay(Timeout.Infinite, cancellationToken) : done)
                .ContinueWith(_ => { }, TaskScheduler.Default);
            if (cancellationToken.IsCancellationRequested || Finished())
            {
                break;
            }

            if (rotation.Count == 0)
            {
                foreach (var component in options.Components.Where(c => options.MaximumKillsEach is not { } most || killsOf[c] < most).OrderBy(_ => _random.Next()))
                {
                    rotation.Enqueue(component);
                }
            }

            // One outage at a time: the next kill waits until the last one's component and every
            // other is Running and Healthy again. Overlapping outages cascade on two busy cores (a
            // service's restart waits for the dependency killed after it, and that one's for the next).
            if (restart is { IsCompleted: false } || !await AllUpAsync(cancellationToken))
            {
                continue;
            }

            if (await RunningInstanceAsync(rotation.Peek(), cancellationToken) is not { } instance)
            {
                continue;
            }

            var next = rotation.Dequeue();
            killsOf[next]++;
            restart = KillAndRestartAsync(next, instance, cancellationToken);
        }

        if (restart is not null)
        {
            await restart;
        }
    }

    private async Task<bool> AllUpAsync(CancellationToken cancellationToken)
    {
        foreach (var component in options.Components)
        {
            foreach (var id in await target.InstancesAsync(component.Resource, cancellationToken))
            {
                if (!target.App.ResourceNotifications.TryGetCurrentState(id, out var state) || !InstanceStates.IsRunningAndHealthy(state))
                {
                    // Once per change, so a run whose kills stop names what held them back.
                    var holding = $"{id}: {state?.Snapshot.State?.Text ?? "no state"}, {state?.Snapshot.HealthStatus?.ToString() ?? "no health status"}";
                    if (holding != _holding)
                    {
                        _holding = holding;
                        log($"{clock(),7:0.0} s  next kill waits for {holding}");
                    }

                    return false;
                }
            }
        }

        _holding = null;
        return true;
    }

    /// <summary>One of the component's running and healthy instances, at random (null if none: it changed since the check).</summary>
    private async Task<string?> RunningInstanceAsync(ChaosComponent component, CancellationToken cancellationToken)
    {
        var up = (await target.InstancesAsync(component.Resource, cancellationToken))
            .Where(id => target.App.ResourceNotifications.TryGetCurrentState(id, out var state) && InstanceStates.IsRunningAndHealthy(state))
            .ToList();
        return up.Count == 0 ? null : up[_random.Next(up.Count)];
    }

    private async Task KillAndRestartAsync(ChaosComponent component, string instance, CancellationToken cancellationToken)
    {
        var pid = 0;
        var killedAt = clock();
        double? startedAt = null;
        try
        {
            using var bounded = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            bounded.CancelAfter(options.RestartTimeout);
            var ct = bounded.Token;
            var tree = LocalProcess.TreeOf(ProcessIdOf(instance));
            var victim = component.Victim(tree, target.DataRoot)
                ?? throw new InvalidOperationException($"no process to kill in {string.Join("; ", tree.Select(p => $"{p.Pid} {p.Name}"))}");
            var below = LocalProcess.TreeOf(victim.Pid).Select(p => p.Pid).ToList();
            pid = victim.Pid;
            killedAt = clock();
            LocalProcess.Kill(victim.Pid);
            log($"{killedAt,7:0.0} s  kill -9 {component.Name} {instance} (pid {victim.Pid})");

            // Gone, with what it started (a postmaster's backends end when they see it die; a new
            // postmaster refuses to start while one of them still holds the old shared memory).
            await UntilAsync(() => below.All(p => !LocalProcess.IsRunning(p)), ct);
            await target.App.ResourceNotifications.WaitForInstanceAsync(instance, InstanceStates.IsDown, ct);

            await Task.Delay(options.MaxDown * _random.NextDouble(), ct);
            await StartAsync(component, instance, ct);
            startedAt = clock();
            await target.App.ResourceNotifications.WaitForInstanceAsync(instance, InstanceStates.IsRunningAndHealthy, ct);
            var healthyAt = clock();
            log($"{healthyAt,7:0.0} s  {component.Name} {instance} healthy again, {healthyAt - killedAt:0.0} s after the kill");
            Add(new KillRecord(component.Name, instance, pid, killedAt, startedAt, healthyAt, null));
        }
        catch (Exception ex)
        {
            // Whatever went wrong is the kill's record (the report fails on it), never an end of the run.
            log($"{clock(),7:0.0} s  {component.Name} {instance}: {ex.Message}");
            Add(new KillRecord(component.Name, instance, pid, killedAt, startedAt, null, ex.Message));
        }
    }

    /// <summary>
    /// The start command, again every second while it fails: a service's start waits for the
    /// resources it references, and fails at once when one of them is down (killed in its own turn),
    /// as an operator's would; they retry once it is back.
    /// </summary>
    private async Task StartAsync(ChaosComponent component, string instance, CancellationToken ct)
    {
        string? failure = null;
        while (true)
        {
            var start = await target.App.ResourceCommands.ExecuteCommandAsync(instance, KnownResourceCommands.StartCommand, ct);
            if (start.Success)
            {
                return;
            }

            if (failure != start.Message)
            {
                failure = start.Message;
                log($"{clock(),7:0.0} s  {component.Name} {instance}: start command failed ({failure}); retrying every second");
            }

            await Task.Delay(TimeSpan.FromSeconds(1), ct);
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
    private int ProcessIdOf(string instance) =>
        target.App.ResourceNotifications.TryGetCurrentState(instance, out var state)
            ? InstanceStates.ProcessId(state)
            : throw new InvalidOperationException($"no resource {instance}");

    private static async Task UntilAsync(Func<bool> condition, CancellationToken ct)
    {
        while (!condition())
        {
            await Task.Delay(50, ct);
        }
    }
}
