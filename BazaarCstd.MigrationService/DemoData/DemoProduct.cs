namespace BazaarCstd.MigrationService.DemoData;

/// <summary>A product of the demo catalog, as inserted into <c>bazaar.products</c>, plus its sales rate.</summary>
public sealed record DemoProduct(
    Guid Id,
    string Sku,
    string Name,
    string? Description,
    string Category,
    string Unit,
    decimal UnitPrice,
    string? Barcode,
    decimal ReorderPoint,
    double DailyDemand,
    bool Perishable)
{
    /// <summary><c>each</c> and <c>pack</c> move in whole numbers; the rest in up to 3 decimals.</summary>
    public bool IsWhole => Unit is "each" or "pack";
}
