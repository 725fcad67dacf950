using System.Collections.Concurrent;
using System.Text;
using Microsoft.Extensions.DependencyInjection;

namespace BazaarCstd.IntegrationTests.Infrastructure;

/// <summary>
/// Watches every resource while an app starts. <c>DistributedApplication.StartAsync</c> only returns
/// once every <c>WaitFor</c> has been met, so a resource that fails (a migration that exits 1, a
/// server that cannot bind its port) would otherwise surface as a bare "task was canceled" at the
/// start deadline. This says which resource failed as soon as it does, and at a deadline what state
/// every resource was in, with the end of the log of each one that was not yet up.
/// </summary>
internal sealed class StartupWatch : IAsyncDisposable
{
    private const int LogLinesPerResource = 30;

    private readonly DistributedApplication _app;
    private readonly ConcurrentDictionary<string, ResourceEvent> _latest = new(StringComparer.Ordinal);
    private readonly TaskCompletionSource<string> _failure = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly CancellationTokenSource _stop = new();
    private readonly Task _watching;

    public StartupWatch(DistributedApplication app)
    {
        _app = app;
        _watching = WatchAsync(_stop.Token);
    }

    /// <summary>Every resource instance seen so far (one per replica, e.g. <c>api-abcd1234</c>).</summary>
    public IReadOnlyCollection<string> ResourceIds => [.. _latest.Keys];

    /// <summary>Completes with a description of the first resource that failed to start or exited with an error.</summary>
    public Task<string> Failure => _failure.Task;

    /// <summary>Every resource's latest state and health, and the log tail of each one not yet up.</summary>
    public async Task<string> ReportAsync()
    {
        var report = new StringBuilder();
        foreach (var (id, e) in _latest.OrderBy(pair => pair.Key, StringComparer.Ordinal))
        {
            report.AppendLine(
                $"  {id}: {e.Snapshot.State?.Text ?? "(no state)"}, health {e.Snapshot.HealthStatus?.ToString() ?? "-"}, exit code {e.Snapshot.ExitCode?.ToString(System.Globalization.CultureInfo.InvariantCulture) ?? "-"}");
        }

        foreach (var (id, e) in _latest.Where(pair => !IsUp(pair.Value)).OrderBy(pair => pair.Key, StringComparer.Ordinal))
        {
            var tail = await LogTailAsync(id);
            if (tail.Count == 0)
            {
                continue;
            }

            report.AppendLine($"  --- last {tail.Count} log lines of {id} ---");
            foreach (var line in tail)
            {
                report.Append("  | ").AppendLine(line);
            }
        }

        return report.ToString();
    }

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        try
        {
            await _watching;
        }
        catch (OperationCanceledException)
        {
        }

        _stop.Dispose();
    }

    private static bool IsUp(ResourceEvent e) =>
        e.Snapshot.State?.Text == KnownResourceStates.Finished && e.Snapshot.ExitCode is null or 0
        || e.Snapshot.State?.Text == KnownResourceStates.Running && e.Snapshot.HealthStatus is null or Microsoft.Extensions.Diagnostics.HealthChecks.HealthStatus.Healthy;

    private static string? FailureOf(ResourceEvent e) => e.Snapshot.State?.Text switch
    {
        var state when state == KnownResourceStates.FailedToStart => $"{e.ResourceId} failed to start",
        var state when (state == KnownResourceStates.Exited || state == KnownResourceStates.Finished) && e.Snapshot.ExitCode is { } code and not 0 =>
            $"{e.ResourceId} exited with code {code}",
        _ => null,
    };

    private async Task WatchAsync(CancellationToken cancellationToken)
    {
        await foreach (var e in _app.ResourceNotifications.WatchAsync(cancellationToken))
        {
            _latest[e.ResourceId] = e;
            if (FailureOf(e) is { } failure)
            {
                _failure.TrySetResult(failure);
            }
        }
    }

    private async Task<IReadOnlyList<string>> LogTailAsync(string resourceId)
    {
        var tail = new Queue<string>();
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(5));
        try
        {
            await foreach (var batch in _app.Services.GetRequiredService<ResourceLoggerService>().GetAllAsync(resourceId).WithCancellation(timeout.Token))
            {
                foreach (var line in batch)
                {
                    tail.Enqueue(line.Content);
                    if (tail.Count > LogLinesPerResource)
                    {
                        tail.Dequeue();
                    }
                }
            }
        }
        catch (OperationCanceledException)
        {
            tail.Enqueue("(log read timed out)");
        }

        return [.. tail];
    }
}
