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

    // Longer than a day would let an outage of one run eat too far into the partition horizon;
    // PeriodicTimer refuses zero and negative periods anyway.
    internal bool IsValid => Interval > TimeSpan.Zero && Interval <= TimeSpan.FromDays(1);
}
