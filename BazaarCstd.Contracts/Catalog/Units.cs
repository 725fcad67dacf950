namespace BazaarCstd.Contracts.Catalog;

/// <summary>
/// The units a product is sold in (the CHECK on <c>bazaar.products.unit</c>). <see cref="Whole"/>
/// units move in whole numbers (<c>record_movements</c> refuses fractions of them); the rest in up
/// to 3 decimals.
/// </summary>
public static class Units
{
    public static readonly IReadOnlySet<string> All = new HashSet<string>(StringComparer.Ordinal) { "each", "kg", "g", "l", "ml", "m", "pack" };

    public static readonly IReadOnlySet<string> Whole = new HashSet<string>(StringComparer.Ordinal) { "each", "pack" };

    public static bool IsWhole(string unit) => Whole.Contains(unit);
}
