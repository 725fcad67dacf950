using System.Diagnostics;
using Microsoft.Extensions.Options;
using Npgsql;

namespace BazaarCstd.Worker.Maintenance;

/// <summary>
/// Keeps the database fit to take writes: on start and then every
/// <see cref="DatabaseMaintenanceOptions.Interval"/> it makes sure the movement ledger and the audit
/// log have monthly partitions from the current month through three months ahead (a row for a month
/// without a partition cannot be inserted) and deletes idempotency keys past their 24 hours. A failed run is
/// logged and retried on the next tick; it never stops the worker.
/// </summary>
public sealed partial class DatabaseMaintenance(
    NpgsqlDataSource database,
    TimeProvider clock,
    IOptions<DatabaseMaintenanceOptions> options,
    ILogger<DatabaseMaintenance> logger) : BackgroundService
{
    public const string ActivitySourceName = "BazaarCstd.Worker.Maintenance";
    private static readonly ActivitySource s_activitySource = new(ActivitySourceName);

    // The current month plus three ahead, for stock_movements, audit_logs and inventory_events (a
    // sale writes all three). Runs hourly, so a partition exists about three months before its
    // first movement arrives, and a worker outage has that long to be noticed.
    // Only one replica works at a time (transaction-scoped advisory lock; the others skip, NULL).
    private const string EnsurePartitionsSql =
        "SELECT CASE WHEN pg_try_advisory_xact_lock(hashtext('bazaar.ensure_movement_partitions')) " +
        "THEN bazaar.ensure_movement_partitions(date_trunc('month', now())::date, 4) END";

    // Creating a partition takes an ACCESS EXCLUSIVE lock on its parent. Queued behind a long
    // read, that request would stall every sale behind it; giving up and retrying next tick is
    // harmless with months of horizon left.
    private const string LockTimeoutSql = "SET LOCAL lock_timeout = '2s'";

    // Idempotency keys are kept 24 hours (DESIGN.md §2); a till retrying later than that is a new sale.
    private const string DeleteExpiredKeysSql =
        "DELETE FROM bazaar.idempotency_keys WHERE created_at < now() - interval '24 hours'";

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(options.Value.Interval, clock);
        try
        {
            do
            {
                await RunOnceAsync(stoppingToken);
            }
            while (await timer.WaitForNextTickAsync(stoppingToken));
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
            // Host shutdown.
        }
    }

    /// <summary>One maintenance run. Each job fails on its own: a stuck partition does not keep keys forever.</summary>
    private async Task RunOnceAsync(CancellationToken cancellationToken)
    {
        using var activity = s_activitySource.StartActivity("Database maintenance");

        try
        {
            var created = await EnsurePartitionsAsync(cancellationToken);
            activity?.SetTag("bazaar.partitions.created", created);
            if (created is { } count)
            {
                LogPartitionsEnsured(count);
            }
            else
            {
                LogPartitionsSkipped();
            }
        }
        catch (Exception ex) when (!cancellationToken.IsCancellationRequested)
        {
            activity?.AddException(ex);
            activity?.SetStatus(ActivityStatusCode.Error);
            LogPartitionsFailed(ex, options.Value.Interval);
        }

        try
        {
            var deleted = await DeleteExpiredKeysAsync(cancellationToken);
            activity?.SetTag("bazaar.idempotency_keys.deleted", deleted);
            LogKeysExpired(deleted);
        }
        catch (Exception ex) when (!cancellationToken.IsCancellationRequested)
        {
            activity?.AddException(ex);
            activity?.SetStatus(ActivityStatusCode.Error);
            LogKeysFailed(ex, options.Value.Interval);
        }
    }

    /// <returns>Partitions created, or null when another worker replica held the maintenance lock.</returns>
    private async Task<int?> EnsurePartitionsAsync(CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenConnectionAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        await using (var setTimeout = new NpgsqlCommand(LockTimeoutSql, connection, transaction))
        {
            await setTimeout.ExecuteNonQueryAsync(cancellationToken);
        }

        await using var ensure = new NpgsqlCommand(EnsurePartitionsSql, connection, transaction);
        var result = await ensure.ExecuteScalarAsync(cancellationToken);
        await transaction.CommitAsync(cancellationToken);
        return result is int created ? created : null;
    }

    private async Task<int> DeleteExpiredKeysAsync(CancellationToken cancellationToken)
    {
        await using var command = database.CreateCommand(DeleteExpiredKeysSql);
        return await command.ExecuteNonQueryAsync(cancellationToken);
    }

    [LoggerMessage(LogLevel.Information, "Movement, audit and event partitions ensured through three months ahead; {Created} created")]
    private partial void LogPartitionsEnsured(int created);

    [LoggerMessage(LogLevel.Information, "Partition maintenance skipped: another worker holds the maintenance lock")]
    private partial void LogPartitionsSkipped();

    [LoggerMessage(LogLevel.Error, "Partition maintenance failed; retrying in {Interval}")]
    private partial void LogPartitionsFailed(Exception exception, TimeSpan interval);

    [LoggerMessage(LogLevel.Information, "Deleted {Deleted} idempotency key(s) older than 24 hours")]
    private partial void LogKeysExpired(int deleted);

    [LoggerMessage(LogLevel.Error, "Deleting expired idempotency keys failed; retrying in {Interval}")]
    private partial void LogKeysFailed(Exception exception, TimeSpan interval);
}
