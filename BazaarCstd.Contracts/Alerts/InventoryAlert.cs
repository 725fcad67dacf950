namespace BazaarCstd.Contracts.Alerts;

/// <summary>
/// A low or out-of-stock alert for one (store, product). At most one is active (open or
/// acknowledged) per pair; it changes kind in place and resolves when stock rises above the
/// reorder point plus a band (the rule: <c>BazaarCstd.Data/Sql/functions/apply_stock_alert.sql</c>).
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
