using Microsoft.Extensions.DependencyInjection;

namespace BazaarCstd.IntegrationTests.Infrastructure;

/// <summary>What a running app's resources log, as the dashboard shows it (Aspire's <see cref="ResourceLoggerService"/>).</summary>
public static class ResourceLogs
{
    /// <summary>Waits until the log of every replica of <paramref name="resource"/> together has a line containing <paramref name="text"/>.</summary>
    public static Task WaitForLineAsync(DistributedApplication app, IResource resource, string text, TimeSpan deadline) =>
        WaitForLineAsync(app.Services.GetRequiredService<ResourceLoggerService>().WatchAsync(resource), resource.Name, text, deadline);

    /// <summary>Waits until the log of one instance (a replica's id) has a line containing <paramref name="text"/>.</summary>
    public static Task WaitForLineAsync(DistributedApplication app, string instanceId, string text, TimeSpan deadline) =>
        WaitForLineAsync(app.Services.GetRequiredService<ResourceLoggerService>().WatchAsync(instanceId), instanceId, text, deadline);

    /// <summary>The log is replayed from its start, then followed.</summary>
    private static async Task WaitForLineAsync(IAsyncEnumerable<IReadOnlyList<LogLine>> log, string name, string text, TimeSpan deadline)
    {
        using var timeout = new CancellationTokenSource(deadline);
        try
        {
            await foreach (var batch in log.WithCancellation(timeout.Token))
            {
                if (batch.Any(line => line.Content.Contains(text, StringComparison.Ordinal)))
                {
                    return;
                }
            }
        }
        catch (OperationCanceledException) when (timeout.IsCancellationRequested)
        {
        }

        throw new TimeoutException($"{name} did not log \"{text}\" within {deadline.TotalSeconds:0} s.");
    }
}
