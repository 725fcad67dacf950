namespace BazaarCstd.Contracts.Alerts;

/// <summary>
/// A low or out-of-stock alert for one (store, product). At most one is active (open or
/// acknowledged) per pair; it changes kind in place and resolves when stock rises above the
/// reorder point plus the band (<see cref="AlertRules"/>).
/// </summary>
public sealed record InventoryAlert(
    long Id,
    Guid StoreId,
    Guid ProductId,
    string Sku,
    string Kind,
    string Severity,
    string Status,
    decimal OnHand,
    decimal ReorderPoint,
    DateTimeOffset OpenedAt,
    DateTimeOffset ChangedAt,
    DateTimeOffset? AcknowledgedAt,
    Guid? AcknowledgedBy,
    DateTimeOffset? ResolvedAt);

/// <summary>Alert kinds, statuses and severities as the API and the database spell them.</summary>
public static class AlertKinds
{
    public const string LowStock = "low_stock";
    public const string OutOfStock = "out_of_stock";

    public static readonly IReadOnlyList<string> All = [LowStock, OutOfStock];

    /// <summary>Out of stock is critical, low stock a warning.</summary>
    public static string SeverityOf(string kind) => kind == OutOfStock ? "critical" : "warning";
}

public static class AlertStatuses
{
    public const string Open = "open";
    public const string Acknowledged = "acknowledged";
    public const string Resolved = "resolved";

    public static readonly IReadOnlyList<string> All = [Open, Acknowledged, Resolved];
}

/// <summary>
/// The alert state machine's rule, shared by the Worker (which applies it) and the docs:
/// out of stock at 0, low at or below the reorder point, resolved only above point + band.
/// </summary>
public static class AlertRules
{
    /// <summary>
    /// The hysteresis band above the reorder point an active alert must clear before it resolves:
    /// a fifth of the point, at least one unit. A level dancing around the point keeps one alert.
    /// </summary>
    public static decimal Band(decimal reorderPoint) => Math.Max(1m, Math.Ceiling(reorderPoint / 5m));

    /// <summary>The kind an alert should have at <paramref name="onHand"/>, or null when none should be opened.</summary>
    public static string? KindToOpen(decimal onHand, decimal reorderPoint) =>
        onHand <= 0 ? AlertKinds.OutOfStock : onHand <= reorderPoint ? AlertKinds.LowStock : null;

    /// <summary>
    /// What an active alert of <paramref name="kind"/> becomes at <paramref name="onHand"/>: its new
    /// kind, or null when it resolves (on hand above point + band).
    /// </summary>
    public static string? KindWhileActive(decimal onHand, decimal reorderPoint) =>
        onHand <= 0 ? AlertKinds.OutOfStock : onHand > reorderPoint + Band(reorderPoint) ? null : AlertKinds.LowStock;
}
