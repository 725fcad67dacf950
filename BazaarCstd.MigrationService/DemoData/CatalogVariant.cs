namespace BazaarCstd.MigrationService.DemoData;

/// <summary>
/// How an item appears on the shelf: the chain's own label or a brand (prefix kept as written), or an
/// adjective such as "Organic" (the item name follows in lower case).
/// </summary>
public sealed record CatalogVariant(string Prefix, decimal PriceFactor, double DemandFactor, bool IsAdjective = false, string? Description = null);
