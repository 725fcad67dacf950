using Microsoft.Extensions.Diagnostics.HealthChecks;
using Npgsql;

namespace BazaarCstd.AppHost.Infrastructure;

/// <summary>Healthy when the database answers and is in the expected role (primary or hot standby).</summary>
internal sealed class PostgresRoleHealthCheck(Func<string?> connectionString, bool expectReplica) : IHealthCheck
{
    public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        if (connectionString() is not { } value)
        {
            return HealthCheckResult.Unhealthy("The connection string is not available yet.");
        }

        try
        {
            await using var connection = new NpgsqlConnection(value + ";Pooling=false;Timeout=5");
            await connection.OpenAsync(cancellationToken);
            await using var command = new NpgsqlCommand("SELECT pg_is_in_recovery()", connection);
            var inRecovery = (bool)(await command.ExecuteScalarAsync(cancellationToken))!;
            return inRecovery == expectReplica
                ? HealthCheckResult.Healthy()
                : HealthCheckResult.Unhealthy(expectReplica ? "The server is not in recovery: it is not a replica." : "The server is in recovery: it is not a primary.");
        }
        catch (Exception ex) when (ex is NpgsqlException or InvalidOperationException or TimeoutException)
        {
            return HealthCheckResult.Unhealthy(ex.Message, ex);
        }
    }
}
