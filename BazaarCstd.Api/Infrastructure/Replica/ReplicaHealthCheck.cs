using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace BazaarCstd.Api.Infrastructure.Replica;

/// <summary>
/// The replica as this API sees it: Healthy while it serves reads; Degraded (not Unhealthy: reads
/// go to the primary, so the API still serves everything) while it lags more than
/// <see cref="ReplicaMonitor.LaggingAfter"/>, fails, or is not a replica. Replaces the Aspire client's
/// <c>SELECT 1</c> check, which would call the whole API unhealthy while the replica is down.
/// </summary>
public sealed class ReplicaHealthCheck(ReplicaMonitor monitor) : IHealthCheck
{
    public const string Name = "bazaardb-ro";

    public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        await monitor.FirstProbe.WaitAsync(cancellationToken);
        var state = monitor.State;
        return monitor.Serving
            ? HealthCheckResult.Healthy($"Reads go to the replica (lag {state.LagSeconds:0.0} s).")
            : HealthCheckResult.Degraded($"Reads go to the primary: {state.Problem ?? "the replica failed moments ago."}");
    }
}
