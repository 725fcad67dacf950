using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace BazaarCstd.Web.Live;

/// <summary>
/// Degraded, not unhealthy, while the broker is away: the dashboard still serves every page (only
/// the live updates pause), so a probe must not take it out of service for that.
/// </summary>
public sealed class LiveUpdatesHealthCheck(InventoryEventListener listener) : IHealthCheck
{
    public Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default) =>
        Task.FromResult(listener.IsListening
            ? HealthCheckResult.Healthy("Live updates are on.")
            : HealthCheckResult.Degraded("Live updates are paused: not connected to RabbitMQ."));
}
