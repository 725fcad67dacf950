using System.Reflection;
using BazaarCstd.Api.Infrastructure.Replica;
using BazaarCstd.Contracts;
using Npgsql;
using NpgsqlTypes;

namespace BazaarCstd.Api.Platform;

/// <summary>
/// Asks the primary and the replica about themselves, and tells where this API replica sends reads
/// (<see cref="ReplicaMonitor"/>). A database that does not answer is reported as unreachable with
/// the reason; it never fails the request.
/// </summary>
public sealed class SystemInfoProbe(
    NpgsqlDataSource primary,
    [FromKeyedServices(ResourceNames.BazaarDbReadOnly)] NpgsqlDataSource replica,
    IHostEnvironment environment,
    ReplicaMonitor monitor)
{
    private static readonly string s_version =
        typeof(SystemInfoProbe).Assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion ?? "0.0.0";

    public async Task<SystemInfo> ProbeAsync(CancellationToken cancellationToken)
    {
        var primaryInfo = await ProbePrimaryAsync(cancellationToken);
        var replicaInfo = await ProbeReplicaAsync(primaryInfo.Lsn, cancellationToken);
        return new SystemInfo(
            ResourceNames.Api,
            s_version,
            environment.EnvironmentName,
            DateTimeOffset.UtcNow,
            primaryInfo.Info,
            replicaInfo,
            Reads());
    }

    private ReadsInfo Reads()
    {
        var (lastServedBy, replicaReads, primaryReads) = monitor.Served;
        var serving = monitor.Serving;
        return new ReadsInfo(serving, serving ? null : monitor.State.Problem ?? "The replica failed moments ago.", lastServedBy, replicaReads, primaryReads);
    }

    private async Task<(DatabaseInfo Info, NpgsqlLogSequenceNumber? Lsn)> ProbePrimaryAsync(CancellationToken cancellationToken)
    {
        try
        {
            await using var command = primary.CreateCommand("SELECT current_setting('server_version'), pg_current_wal_lsn()");
            await using var reader = await command.ExecuteReaderAsync(cancellationToken);
            await reader.ReadAsync(cancellationToken);
            return (new DatabaseInfo(true, reader.GetString(0), null), reader.GetFieldValue<NpgsqlLogSequenceNumber>(1));
        }
        catch (Exception ex) when (ex is NpgsqlException or TimeoutException)
        {
            return (new DatabaseInfo(false, null, ex.Message), null);
        }
    }

    private async Task<ReplicaInfo> ProbeReplicaAsync(NpgsqlLogSequenceNumber? primaryLsn, CancellationToken cancellationToken)
    {
        try
        {
            // Caught up (everything received is replayed) means no lag, however long ago the last
            // transaction was; otherwise the age of the last replayed transaction is the lag.
            await using var command = replica.CreateCommand("""
                SELECT pg_is_in_recovery(),
                       pg_last_wal_replay_lsn(),
                       CASE WHEN pg_last_wal_receive_lsn() = pg_last_wal_replay_lsn() THEN 0
                            ELSE extract(epoch FROM now() - pg_last_xact_replay_timestamp())::float8 END
                """);
            await using var reader = await command.ExecuteReaderAsync(cancellationToken);
            await reader.ReadAsync(cancellationToken);
            var inRecovery = reader.GetBoolean(0);
            if (!inRecovery)
            {
                return new ReplicaInfo(true, false, null, null, "The read-only connection points at a primary, not a replica.");
            }

            long? lagBytes = null;
            if (primaryLsn is { } p && !reader.IsDBNull(1))
            {
                var replayed = reader.GetFieldValue<NpgsqlLogSequenceNumber>(1);
                lagBytes = (ulong)replayed >= (ulong)p ? 0 : (long)((ulong)p - (ulong)replayed);
            }

            double? lagSeconds = reader.IsDBNull(2) ? null : reader.GetDouble(2);
            return new ReplicaInfo(true, true, lagBytes, lagSeconds, null);
        }
        catch (Exception ex) when (ex is NpgsqlException or TimeoutException)
        {
            return new ReplicaInfo(false, false, null, null, ex.Message);
        }
    }
}
