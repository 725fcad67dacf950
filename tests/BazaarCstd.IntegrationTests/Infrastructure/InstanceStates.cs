using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace BazaarCstd.IntegrationTests.Infrastructure;

/// <summary>
/// Waiting for one resource instance (an Aspire resource id such as <c>api-abc123</c>) to reach a
/// state: the chaos tests and <c>bench/BazaarCstd.Chaos</c> (which compiles this file in) wait for a
/// killed process to be seen as stopped and for a restarted one to be Running and Healthy.
/// </summary>
public static class InstanceStates
{
    /// <summary>The states of an instance whose process is gone: killed, stopped, or failed to start again.</summary>
    public static readonly string[] DownStates = [KnownResourceStates.Exited, KnownResourceStates.Finished, KnownResourceStates.FailedToStart];

    /// <summary>Back in service: Running, and its health check passes.</summary>
    public static bool IsRunningAndHealthy(ResourceEvent e) =>
        e.Snapshot.State?.Text == KnownResourceStates.Running && e.Snapshot.HealthStatus == HealthStatus.Healthy;

    public static bool IsDown(ResourceEvent e) => e.Snapshot.State?.Text is { } state && DownStates.Contains(state);

    /// <summary>
    /// The pid Aspire reports for an instance: what DCP started (for a project its executable, or
    /// <c>dotnet run</c> where the AppHost falls back to it; for RabbitMQ the <c>rabbitmq-server</c>
    /// script), so the process to kill is found in its tree.
    /// </summary>
    public static int ProcessId(ResourceEvent e)
    {
        var pid = e.Snapshot.Properties.SingleOrDefault(p => p.Name == "executable.pid")?.Value;
        return pid is null
            ? throw new InvalidOperationException($"{e.ResourceId} reports no process id.")
            : Convert.ToInt32(pid, System.Globalization.CultureInfo.InvariantCulture);
    }

    /// <summary>Returns once the instance's current or a later state satisfies <paramref name="predicate"/>.</summary>
    public static async Task WaitForInstanceAsync(
        this ResourceNotificationService notifications, string instanceId, Func<ResourceEvent, bool> predicate, CancellationToken ct)
    {
        if (notifications.TryGetCurrentState(instanceId, out var current) && predicate(current))
        {
            return;
        }

        await foreach (var e in notifications.WatchAsync(ct))
        {
            if (e.ResourceId == instanceId && predicate(e))
            {
                return;
            }
        }
    }
}
