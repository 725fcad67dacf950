namespace BazaarCstd.Contracts.Operations;

/// <summary>What an operation does: the <c>kind</c> of <c>POST /api/imports</c> and of the operation.</summary>
public static class OperationKinds
{
    /// <summary>Stock movements (stock_in, sale, removal) recorded through the ledger, as the uploader.</summary>
    public const string Movements = "movements";

    /// <summary>Catalog products upserted by SKU (administrators).</summary>
    public const string Products = "products";

    public static readonly IReadOnlySet<string> All = new HashSet<string>(StringComparer.Ordinal) { Movements, Products };
}
