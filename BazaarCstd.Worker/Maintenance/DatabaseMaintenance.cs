using System.Diagnostics;
using Microsoft.Extensions.Options;
using Npgsql;

namespace BazaarCstd.Worker.Maintenance;

/// <summary>
/// Keeps the database fit to take writes and its history bounded. On start and then every
/// <see cref="DatabaseMaintenanceOptions.Interval"/> it
/// <list type="bullet">
/// <item>makes sure the movement ledger, the audit log and the outbox (<c>inventory_events</c>) have
/// monthly partitions from the current month through three months ahead (a sale writes all three,
/// and a row for a month without a partition cannot be inserted);</item>
/// <item>drops each month of <c>inventory_events</c> older than
/// <see cref="DatabaseMaintenanceOptions.EventRetention"/> whose events are all published, as a whole
/// partition; a month still holding an unpublished event is kept and logged as a warning;</item>
/// <item>moves the stock snapshot horizon to the latest multiple of
/// <see cref="DatabaseMaintenanceOptions.SnapshotInterval"/> and builds the snapshots before it
/// (<c>bazaar.build_stock_snapshots</c>), in chunks of shelves, each its own transaction, for at most
/// <see cref="SnapshotBuildBudget"/> per run; the rest waits for the next run;</item>
/// <item>deletes idempotency keys past their 24 hours, the consumers' inbox
/// (<c>processed_events</c>) past 7 days and dead letters replayed more than 30 days ago, in batches.</item>
/// </list>
/// Only one worker replica runs the partition jobs at a time (transaction-scoped advisory locks);
/// the deletes take no lock, as two replicas deleting the same old rows do no harm.
/// Each job fails on its own; a failure is logged and retried on the next tick, and never stops the worker.
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

    // A month goes once all of it is older than the retention (the function compares the partition's
    // upper bound) and all of it is published. Same locking as above.
    private const string DropEventPartitionsSql =
        "SELECT CASE WHEN pg_try_advisory_xact_lock(hashtext('bazaar.drop_published_event_partitions')) " +
        "THEN bazaar.drop_published_event_partitions(now() - $1) END";

    // Creating or dropping a partition takes an ACCESS EXCLUSIVE lock on its parent. Queued behind
    // a long read, that request would stall every sale behind it; giving up and retrying next tick
    // is harmless with months of horizon left (and with old months, a tick late).
    private const string LockTimeoutSql = "SET LOCAL lock_timeout = '2s'";

    // The barrier takes EXCLUSIVE on bazaar.settings (writes wait for it): under the lock timeout, a
    // long write in flight makes this give up and try on the next run, rather than hold sales back.
    private const string AdvanceSnapshotHorizonSql =
        "SELECT bazaar.advance_stock_snapshot_horizon(date_bin($1, now(), timestamptz '2000-01-01 00:00:00+00'))";

    private const string BuildSnapshotsSql = "SELECT bazaar.build_stock_snapshots($1, $2)";

    // Each chunk holds the snapshot lock, which a write dated before the horizon waits for: small
    // chunks keep that wait short.
    private const int SnapshotChunk = 500;

    /// <summary>How long one run spends building snapshots before leaving the rest to the next run.</summary>
    public static readonly TimeSpan SnapshotBuildBudget = TimeSpan.FromSeconds(30);

    // Idempotency keys are kept 24 hours (DESIGN.md §2); a till retrying later than that is a new sale.
    private const string DeleteExpiredKeysSql =
        "DELETE FROM bazaar.idempotency_keys WHERE created_at < now() - interval '24 hours'";

    // The inbox only has to outlive redelivery: RabbitMQ redelivers an unacknowledged message when
    // the consumer's channel closes, within minutes, and the relay republishes an event it sent but
    // could not mark published on its next pass. Seven days is far past both, and covers a consumer
    // that was down over a long weekend.
    private const string DeleteProcessedEventsSql =
        "DELETE FROM bazaar.processed_events WHERE ctid = ANY (ARRAY(" +
        "SELECT ctid FROM bazaar.processed_events WHERE processed_at < now() - interval '7 days' LIMIT $1))";

    // A replayed dead letter stays 30 days after its replay, so an admin can still see what was
    // replayed and when; one never replayed stays until an admin has dealt with it.
    private const string DeleteReplayedDeadLettersSql =
        "DELETE FROM bazaar.dead_letters WHERE id = ANY (ARRAY(" +
        "SELECT id FROM bazaar.dead_letters WHERE replayed_at < now() - interval '30 days' LIMIT $1))";

    // Each batch is its own statement and transaction, so a backlog of millions never holds one
    // long transaction (nor its locks, nor vacuum's horizon) open.
    private const int DeleteBatchSize = 10_000;

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
        var interval = options.Value.Interval;

        await RunJobAsync(EnsurePartitionsAsync, ex => LogPartitionsFailed(ex, interval), activity, cancellationToken);
        await RunJobAsync(DropPublishedEventPartitionsAsync, ex => LogEventRetentionFailed(ex, interval), activity, cancellationToken);
        await RunJobAsync(BuildStockSnapshotsAsync, ex => LogSnapshotsFailed(ex, interval), activity, cancellationToken);
        await RunJobAsync(DeleteExpiredKeysAsync, ex => LogKeysFailed(ex, interval), activity, cancellationToken);
        await RunJobAsync(DeleteProcessedEventsAsync, ex => LogInboxFailed(ex, interval), activity, cancellationToken);
        await RunJobAsync(DeleteReplayedDeadLettersAsync, ex => LogDeadLettersFailed(ex, interval), activity, cancellationToken);
    }

    private static async Task RunJobAsync(
        Func<Activity?, CancellationToken, Task> job, Action<Exception> logFailure, Activity? activity, CancellationToken cancellationToken)
    {
        try
        {
            await job(activity, cancellationToken);
        }
        catch (Exception ex) when (!cancellationToken.IsCancellationRequested)
        {
            activity?.AddException(ex);
            activity?.SetStatus(ActivityStatusCode.Error);
            logFailure(ex);
        }
    }

    private async Task EnsurePartitionsAsync(Activity? activity, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenConnectionAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        await SetLockTimeoutAsync(connection, transaction, cancellationToken);

        await using var ensure = new NpgsqlCommand(EnsurePartitionsSql, connection, transaction);
        var result = await ensure.ExecuteScalarAsync(cancellationToken);
        await transaction.CommitAsync(cancellationToken);

        activity?.SetTag("bazaar.partitions.created", result as int?);
        if (result is int created)
        {
            LogPartitionsEnsured(created);
        }
        else
        {
            LogPartitionsSkipped();
        }
    }

    private async Task DropPublishedEventPartitionsAsync(Activity? activity, CancellationToken cancellationToken)
    {
        var retention = options.Value.EventRetention;
        await using var connection = await database.OpenConnectionAsync(cancellationToken);

        // The function names each month it keeps for an unpublished event in a WARNING whose table
        // field is the partition.
        var kept = new List<string>();
        connection.Notice += (_, e) =>
        {
            if (e.Notice.InvariantSeverity == "WARNING" && !string.IsNullOrEmpty(e.Notice.TableName))
            {
                kept.Add($"{e.Notice.SchemaName}.{e.Notice.TableName}");
            }
        };

        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        await SetLockTimeoutAsync(connection, transaction, cancellationToken);
        await using var drop = new NpgsqlCommand(DropEventPartitionsSql, connection, transaction);
        drop.Parameters.Add(new NpgsqlParameter { Value = retention });
        var result = await drop.ExecuteScalarAsync(cancellationToken);
        await transaction.CommitAsync(cancellationToken);

        foreach (var partition in kept)
        {
            LogEventPartitionKept(partition, retention);
        }

        activity?.SetTag("bazaar.event_partitions.dropped", result as int?);
        if (result is int dropped)
        {
            LogEventPartitionsDropped(dropped, retention);
        }
        else
        {
            LogEventRetentionSkipped();
        }
    }

    private async Task BuildStockSnapshotsAsync(Activity? activity, CancellationToken cancellationToken)
    {
        var settings = options.Value;
        await using (var connection = await database.OpenConnectionAsync(cancellationToken))
        await using (var transaction = await connection.BeginTransactionAsync(cancellationToken))
        {
            await SetLockTimeoutAsync(connection, transaction, cancellationToken);
            await using var advance = new NpgsqlCommand(AdvanceSnapshotHorizonSql, connection, transaction);
            advance.Parameters.Add(new NpgsqlParameter { Value = settings.SnapshotInterval });
            try
            {
                await advance.ExecuteScalarAsync(cancellationToken);
                await transaction.CommitAsync(cancellationToken);
            }
            catch (PostgresException ex) when (ex.SqlState == PostgresErrorCodes.LockNotAvailable)
            {
                LogSnapshotHorizonPostponed(); // the build for the horizon as it stands goes on below
            }
        }

        var started = Stopwatch.StartNew();
        var shelves = 0;
        int looked;
        do
        {
            await using var build = database.CreateCommand(BuildSnapshotsSql);
            build.Parameters.Add(new NpgsqlParameter { Value = SnapshotChunk });
            build.Parameters.Add(new NpgsqlParameter { Value = settings.SnapshotEvery });
            looked = (int)(await build.ExecuteScalarAsync(cancellationToken))!;
            shelves += looked;
        }
        while (looked == SnapshotChunk && started.Elapsed < SnapshotBuildBudget);

        activity?.SetTag("bazaar.snapshots.shelves", shelves);
        if (shelves > 0)
        {
            LogSnapshotsBuilt(shelves, started.Elapsed.TotalSeconds, looked == SnapshotChunk);
        }
    }

    private async Task DeleteExpiredKeysAsync(Activity? activity, CancellationToken cancellationToken)
    {
        await using var command = database.CreateCommand(DeleteExpiredKeysSql);
        var deleted = await command.ExecuteNonQueryAsync(cancellationToken);
        activity?.SetTag("bazaar.idempotency_keys.deleted", deleted);
        LogKeysExpired(deleted);
    }

    private async Task DeleteProcessedEventsAsync(Activity? activity, CancellationToken cancellationToken)
    {
        var deleted = await DeleteInBatchesAsync(DeleteProcessedEventsSql, cancellationToken);
        activity?.SetTag("bazaar.processed_events.deleted", deleted);
        LogInboxExpired(deleted);
    }

    private async Task DeleteReplayedDeadLettersAsync(Activity? activity, CancellationToken cancellationToken)
    {
        var deleted = await DeleteInBatchesAsync(DeleteReplayedDeadLettersSql, cancellationToken);
        activity?.SetTag("bazaar.dead_letters.deleted", deleted);
        LogDeadLettersExpired(deleted);
    }

    /// <returns>Rows deleted by all batches; a short batch means none are left.</returns>
    private async Task<long> DeleteInBatchesAsync(string sql, CancellationToken cancellationToken)
    {
        long total = 0;
        int deleted;
        do
        {
            await using var command = database.CreateCommand(sql);
            command.Parameters.Add(new NpgsqlParameter { Value = DeleteBatchSize });
            deleted = await command.ExecuteNonQueryAsync(cancellationToken);
            total += deleted;
        }
        while (deleted == DeleteBatchSize);

        return total;
    }

    private static async Task SetLockTimeoutAsync(NpgsqlConnection connection, NpgsqlTransaction transaction, CancellationToken cancellationToken)
    {
        await using var setTimeout = new NpgsqlCommand(LockTimeoutSql, connection, transaction);
        await setTimeout.ExecuteNonQueryAsync(cancellationToken);
    }

    [LoggerMessage(LogLevel.Information, "Movement, audit and event partitions ensured through three months ahead; {Created} created")]
    private partial void LogPartitionsEnsured(int created);

    [LoggerMessage(LogLevel.Information, "Partition maintenance skipped: another worker holds the maintenance lock")]
    private partial void LogPartitionsSkipped();

    [LoggerMessage(LogLevel.Error, "Partition maintenance failed; retrying in {Interval}")]
    private partial void LogPartitionsFailed(Exception exception, TimeSpan interval);

    [LoggerMessage(LogLevel.Information, "Event retention dropped {Dropped} published month(s) of inventory_events older than {Retention}")]
    private partial void LogEventPartitionsDropped(int dropped, TimeSpan retention);

    [LoggerMessage(LogLevel.Warning, "Event partition {Partition} is older than the retention of {Retention} but still holds unpublished events; it is kept until they are published")]
    private partial void LogEventPartitionKept(string partition, TimeSpan retention);

    [LoggerMessage(LogLevel.Information, "Event retention skipped: another worker holds its lock")]
    private partial void LogEventRetentionSkipped();

    [LoggerMessage(LogLevel.Error, "Event retention failed; retrying in {Interval}")]
    private partial void LogEventRetentionFailed(Exception exception, TimeSpan interval);

    [LoggerMessage(LogLevel.Information, "Stock snapshots: looked at {Shelves} shelves in {Seconds:0.0} s; more to do: {More}")]
    private partial void LogSnapshotsBuilt(int shelves, double seconds, bool more);

    [LoggerMessage(LogLevel.Information, "Stock snapshot horizon not moved: a write held the settings lock for over 2 s; next run")]
    private partial void LogSnapshotHorizonPostponed();

    [LoggerMessage(LogLevel.Error, "Building stock snapshots failed; retrying in {Interval}")]
    private partial void LogSnapshotsFailed(Exception exception, TimeSpan interval);

    [LoggerMessage(LogLevel.Information, "Deleted {Deleted} idempotency key(s) older than 24 hours")]
    private partial void LogKeysExpired(int deleted);

    [LoggerMessage(LogLevel.Error, "Deleting expired idempotency keys failed; retrying in {Interval}")]
    private partial void LogKeysFailed(Exception exception, TimeSpan interval);

    [LoggerMessage(LogLevel.Information, "Deleted {Deleted} inbox row(s) (processed_events) older than 7 days")]
    private partial void LogInboxExpired(long deleted);

    [LoggerMessage(LogLevel.Error, "Deleting old inbox rows (processed_events) failed; retrying in {Interval}")]
    private partial void LogInboxFailed(Exception exception, TimeSpan interval);

    [LoggerMessage(LogLevel.Information, "Deleted {Deleted} dead letter(s) replayed more than 30 days ago")]
    private partial void LogDeadLettersExpired(long deleted);

    [LoggerMessage(LogLevel.Error, "Deleting old replayed dead letters failed; retrying in {Interval}")]
    private partial void LogDeadLettersFailed(Exception exception, TimeSpan interval);
}
