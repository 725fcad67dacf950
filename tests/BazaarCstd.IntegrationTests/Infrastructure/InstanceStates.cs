namespace BazaarCstd.IntegrationTests.Infrastructure;

/// <summary>
/// Waiting for one resource instance (an Aspire resource id such as <c>api-abc123</c>) to reach a
/// state: the chaos tests and <c>bench/BazaarCstd.Chaos</c> (which compiles this file in) wait for a
/// killed process to be seen as stopped and for a restarted one to be Running and Healthy.
/// </summary>
public static class InstanceStates
{
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
