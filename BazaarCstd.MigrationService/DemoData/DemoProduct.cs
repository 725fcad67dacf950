using BazaarCstd.Contracts.Catalog;

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
    /// <summary>Moves in whole numbers (see <see cref="Units"/>).</summary>
    public bool IsWhole => Units.IsWhole(Unit);
}
