namespace BazaarCstd.Worker.Maintenance;

/// <summary>Settings of <see cref="DatabaseMaintenance"/>, bound from <c>Bazaar:Maintenance</c>.</summary>
public sealed class DatabaseMaintenanceOptions
{
    public const string Section = "Bazaar:Maintenance";

    /// <summary>
    /// Time between runs. An hour keeps the partition horizon months ahead; the integration tests
    /// shorten it so they can watch expired idempotency keys go.
    /// </summary>
    public TimeSpan Interval { get; set; } = TimeSpan.FromHours(1);

    /// <summary>
    /// How long published outbox events are kept (<c>Bazaar:Maintenance:EventRetention</c>). A month
    /// of <c>inventory_events</c> is dropped once all of it is older than this and every row in it is
    /// published.
    /// </summary>
    public TimeSpan EventRetention { get; set; } = TimeSpan.FromDays(90);

    /// <summary>
    /// How far apart the stock snapshot horizon moves (<c>Bazaar:Maintenance:SnapshotInterval</c>):
    /// snapshots are built for history before the latest multiple of it (UTC, from 2000-01-01). A day
    /// by default; the integration tests shorten it so the build runs while they write.
    /// </summary>
    public TimeSpan SnapshotInterval { get; set; } = TimeSpan.FromDays(1);

    /// <summary>
    /// A shelf gets a new snapshot once this many of its movements have passed since its latest one
    /// (<c>Bazaar:Maintenance:SnapshotEvery</c>): stock as of an instant sums at most about this many
    /// movements, or one day's, on top of a snapshot.
    /// </summary>
    public int SnapshotEvery { get; set; } = 50;

    // Interval: longer than a day would let an outage of one run eat too far into the partition
    // horizon; PeriodicTimer refuses zero and negative periods anyway.
    // EventRetention: a day or less would drop last month on the 1st, before anyone could look at it.
    internal bool IsValid =>
        Interval > TimeSpan.Zero && Interval <= TimeSpan.FromDays(1) && EventRetention > TimeSpan.FromDays(1)
        && SnapshotInterval >= TimeSpan.FromSeconds(1) && SnapshotInterval <= TimeSpan.FromDays(1) && SnapshotEvery >= 1;
}
