using Microsoft.Extensions.Diagnostics.HealthChecks;
using OpenTelemetry.Metrics;

namespace BazaarCstd.Api.Infrastructure.Replica;

public static class ReplicaReadsSetup
{
    /// <summary>The replica's monitor (and breaker), its health check and metrics, and <see cref="ReadDatabase"/>.</summary>
    public static void AddReplicaReads(this IHostApplicationBuilder builder)
    {
        builder.Services.AddSingleton<ReplicaMonitor>();
        builder.Services.AddHostedService(sp => sp.GetRequiredService<ReplicaMonitor>());
        builder.Services.AddSingleton<ReadDatabase>();
        builder.Services.AddHealthChecks().AddCheck<ReplicaHealthCheck>(ReplicaHealthCheck.Name, HealthStatus.Degraded);
        builder.Services.AddOpenTelemetry().WithMetrics(metrics => metrics.AddMeter(ReplicaMonitor.MeterName));
    }

    /// <summary>After authentication, rate limits and authorization (a refused request reads nothing), before the endpoints.</summary>
    public static IApplicationBuilder UseReplicaReads(this IApplicationBuilder app) => app.UseMiddleware<ReplicaReadsMiddleware>();
}
