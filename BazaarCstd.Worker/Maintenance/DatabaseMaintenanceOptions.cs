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

    // Interval: longer than a day would let an outage of one run eat too far into the partition
    // horizon; PeriodicTimer refuses zero and negative periods anyway.
    // EventRetention: a day or less would drop last month on the 1st, before anyone could look at it.
    internal bool IsValid =>
        Interval > TimeSpan.Zero && Interval <= TimeSpan.FromDays(1) && EventRetention > TimeSpan.FromDays(1);
}
