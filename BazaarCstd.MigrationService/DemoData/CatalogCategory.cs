namespace BazaarCstd.MigrationService.DemoData;

/// <summary>A shelf category of the demo catalog; every item appears once per variant.</summary>
public sealed record CatalogCategory(string Name, string SkuPrefix, IReadOnlyList<CatalogVariant> Variants, IReadOnlyList<CatalogItem> Items);
