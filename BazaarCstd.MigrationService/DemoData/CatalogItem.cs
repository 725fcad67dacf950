namespace BazaarCstd.MigrationService.DemoData;

/// <summary>
/// One line of the demo catalog before branding: <paramref name="DailyDemand"/> is units (or kg, l, m)
/// sold per day by an average store; <paramref name="Perishable"/> items expire and get removed.
/// </summary>
public sealed record CatalogItem(string Name, string Unit, decimal Price, double DailyDemand, bool Perishable = false);
