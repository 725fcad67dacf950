using System.Diagnostics.Metrics;
using BazaarCstd.Contracts;
using Npgsql;
using NpgsqlTypes;
using OpenTelemetry;

namespace BazaarCstd.Api.Infrastructure.Replica;

/// <summary>
/// Whether reads may go to the replica (<c>bazaardb-ro</c>), decided twice a second and kept in
/// memory, so choosing costs a request nothing. The replica serves reads while it answers, is in
/// recovery and lags at most <see cref="LaggingAfter"/>. It is also a circuit breaker: after a
/// failure (a probe's or a read's, <see cref="Trip"/>) nothing tries the replica for
/// <see cref="BreakFor"/>; then the next probe decides.
/// <para>
/// <b>Lag</b> is measured by WAL position, not by the replica's last replayed transaction: each
/// probe notes the primary's position; the lag is the age of the oldest noted position the replica
/// has not replayed yet. An idle primary then means no lag (<c>now() - pg_last_xact_replay_timestamp()</c>
/// would grow all night), and one write after a long pause is not minutes of lag either. Its
/// resolution is the probe interval. Reported as the gauge <c>bazaar.db.replica.lag</c> (seconds).
/// </para>
/// </summary>
public sealed class ReplicaMonitor : BackgroundService
{
    public const string MeterName = "BazaarCstd.Api.Reads";
    public static readonly TimeSpan LaggingAfter = TimeSpan.FromSeconds(5);
    public static readonly TimeSpan BreakFor = TimeSpan.FromSeconds(3);
    private static readonly TimeSpan Interval = TimeSpan.FromMilliseconds(500);
    private const int ProbeTimeoutSeconds = 2;

    private readonly NpgsqlDataSource _primary;
    private readonly NpgsqlDataSource _replica;
    private readonly TimeProvider _clock;
    private readonly ILogger<ReplicaMonitor> _logger;
    private readonly Meter _meter = new(MeterName);
    private readonly Counter<long> _reads;
    private readonly TaskCompletionSource _firstProbe = new(TaskCreationOptions.RunContinuationsAsynchronously);

    // Primary positions the replica had not replayed when noted, oldest first; only the probe loop touches it.
    private readonly Queue<(DateTimeOffset At, NpgsqlLogSequenceNumber Lsn)> _pending = new();
    private volatile ReplicaState _state = new(false, default, null, "Not probed yet.", DateTimeOffset.MinValue);
    private long _replicaReads;
    private long _primaryReads;
    private volatile string _lastServedBy = ReadSources.Primary;

    public ReplicaMonitor(
        [FromKeyedServices(ResourceNames.BazaarDbApp)] NpgsqlDataSource primary,
        [FromKeyedServices(ResourceNames.BazaarDbReadOnly)] NpgsqlDataSource replica,
        TimeProvider clock,
        ILogger<ReplicaMonitor> logger)
    {
        _primary = primary;
        _replica = replica;
        _clock = clock;
        _logger = logger;
        _reads = _meter.CreateCounter<long>("bazaar.db.reads", "{read}", "Reads served, by the database that served them (db.served_by: replica or primary).");
        _meter.CreateObservableGauge("bazaar.db.replica.lag", ObserveLag, "s",
            "How far the read replica is behind the primary; absent while the replica is unreachable.");
    }

    /// <summary>What the last probe (or failure) found.</summary>
    public ReplicaState State => _state;

    /// <summary>Reads go to the replica now (it answers, is a replica, is not lagging, and the breaker is closed).</summary>
    public bool Serving => _state.Serves(_clock.GetUtcNow());

    /// <summary>Where the last read of this API replica went, and how many went where since it started.</summary>
    public (string LastServedBy, long ReplicaReads, long PrimaryReads) Served => (_lastServedBy, Interlocked.Read(ref _replicaReads), Interlocked.Read(ref _primaryReads));

    public NpgsqlDataSource Primary => _primary;

    public NpgsqlDataSource Replica => _replica;

    /// <summary>Done once the first probe has answered (the health check waits for it rather than report "unknown").</summary>
    public Task FirstProbe => _firstProbe.Task;

    /// <summary>Counts a read where it was served.</summary>
    public void Count(string servedBy)
    {
        _lastServedBy = servedBy;
        Interlocked.Increment(ref servedBy == ReadSources.Replica ? ref _replicaReads : ref _primaryReads);
        _reads.Add(1, new KeyValuePair<string, object?>("db.served_by", servedBy));
    }

    /// <summary>The replica failed a read or a probe: nothing tries it for <see cref="BreakFor"/>.</summary>
    public void Trip(Exception failure)
    {
        var was = _state;
        _state = was with { Reachable = false, LagSeconds = null, Problem = failure.Message, BrokenUntil = _clock.GetUtcNow() + BreakFor };

        // Idle pooled connections to a replica that went away are dead too; without this each would
        // fail one more read or probe after the replica is back.
        _replica.Clear();
        if (was.Reachable)
        {
            _logger.LogWarning("Read replica unavailable ({Reason}); reads go to the primary for at least {Seconds} s.", failure.Message, BreakFor.TotalSeconds);
        }
    }

    /// <summary>
    /// Whether the replica has replayed up to <paramref name="token"/> (a write's commit position),
    /// asking it again every few milliseconds for at most <paramref name="wait"/>. False when it
    /// has not, or fails (which trips the breaker).
    /// </summary>
    public async Task<bool> CaughtUpAsync(NpgsqlLogSequenceNumber token, TimeSpan wait, CancellationToken ct)
    {
        if (_state.Replayed >= token)
        {
            return true;
        }

        var deadline = _clock.GetUtcNow() + wait;
        try
        {
            while (true)
            {
                await using var command = _replica.CreateCommand("SELECT pg_last_wal_replay_lsn()");
                command.CommandTimeout = ProbeTimeoutSeconds;
                if (await command.ExecuteScalarAsync(ct) is NpgsqlLogSequenceNumber replayed && replayed >= token)
                {
                    return true;
                }

                if (_clock.GetUtcNow() >= deadline)
                {
                    return false;
                }

                await Task.Delay(TimeSpan.FromMilliseconds(5), _clock, ct);
            }
        }
        catch (Exception ex) when (IsReplicaFailure(ex))
        {
            Trip(ex);
            return false;
        }
    }

    /// <summary>
    /// A failure of the server or the way to it (refused, reset, shut down, still starting, timed
    /// out), as opposed to an error in the query, which the primary would raise as well. A query
    /// cancelled by a conflict with recovery counts too: the primary can answer it.
    /// </summary>
    public static bool IsReplicaFailure(Exception? ex)
    {
        for (; ex is not null; ex = ex.InnerException)
        {
            if (ex is PostgresException pg)
            {
                return pg.SqlState.StartsWith("08", StringComparison.Ordinal) // connection exception
                    || pg.SqlState.StartsWith("57P", StringComparison.Ordinal) // shutdown, cannot connect now
                    || pg.SqlState == PostgresErrorCodes.SerializationFailure; // canceled on conflict with recovery
            }

            if (ex is NpgsqlException or TimeoutException or System.Net.Sockets.SocketException or IOException)
            {
                return true;
            }
        }

        return false;
    }

    public override void Dispose()
    {
        _meter.Dispose();
        base.Dispose();
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(Interval, _clock);
        do
        {
            if (_clock.GetUtcNow() >= _state.BrokenUntil)
            {
                await ProbeAsync(stoppingToken);
            }

            _firstProbe.TrySetResult();
        }
        while (await timer.WaitForNextTickAsync(stoppingToken));
    }

    private async Task ProbeAsync(CancellationToken ct)
    {
        // Twice a second, forever: its queries would bury real work on the dashboard's Traces page.
        using var quiet = SuppressInstrumentationScope.Begin();
        var now = _clock.GetUtcNow();
        NpgsqlLogSequenceNumber? primaryAt = null;
        try
        {
            await using var command = _primary.CreateCommand("SELECT pg_current_wal_lsn()");
            command.CommandTimeout = ProbeTimeoutSeconds;
            primaryAt = (NpgsqlLogSequenceNumber)(await command.ExecuteScalarAsync(ct))!;
        }
        catch (Exception ex) when (ex is NpgsqlException or TimeoutException)
        {
            // Without the primary's position the lag cannot grow; the replica's own answer still counts.
        }

        try
        {
            await using var command = _replica.CreateCommand("SELECT pg_is_in_recovery(), pg_last_wal_replay_lsn()");
            command.CommandTimeout = ProbeTimeoutSeconds;
            await using var reader = await command.ExecuteReaderAsync(ct);
            await reader.ReadAsync(ct);
            if (!reader.GetBoolean(0) || reader.IsDBNull(1))
            {
                _pending.Clear();
                _state = new ReplicaState(true, default, null, "The read-only connection points at a primary, not a replica.", DateTimeOffset.MinValue);
                return;
            }

            var replayed = reader.GetFieldValue<NpgsqlLogSequenceNumber>(1);
            if (primaryAt is { } p && p > replayed && (_pending.Count == 0 || _pending.Last().Lsn < p))
            {
                _pending.Enqueue((now, p));
            }

            while (_pending.TryPeek(out var oldest) && oldest.Lsn <= replayed)
            {
                _pending.Dequeue();
            }

            var lag = _pending.TryPeek(out var behind) ? (now - behind.At).TotalSeconds : 0;
            var was = _state;
            _state = new ReplicaState(true, replayed, lag, lag > LaggingAfter.TotalSeconds ? $"The replica lags {lag:0.0} s behind the primary." : null, DateTimeOffset.MinValue);
            if (was.BrokenUntil != DateTimeOffset.MinValue)
            {
                _logger.LogInformation("Read replica answers again; reads go back to it.");
            }
        }
        catch (Exception ex) when (IsReplicaFailure(ex))
        {
            _pending.Clear();
            Trip(ex);
        }
    }

    private IEnumerable<Measurement<double>> ObserveLag() =>
        _state is { Reachable: true, LagSeconds: { } lag } ? [new Measurement<double>(lag)] : [];
}
