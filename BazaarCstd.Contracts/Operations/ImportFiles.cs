namespace BazaarCstd.Contracts.Operations;

/// <summary>
/// The CSV files <c>POST /api/imports</c> takes: the header each kind must start with (these names,
/// in this order; case does not matter) and the limits of one file.
/// </summary>
public static class ImportFiles
{
    public const string MediaType = "text/csv";

    public const int MaxRows = 100_000;

    public const long MaxBytes = 20L * 1024 * 1024;

    /// <summary>An atomic (all-or-nothing) movements file is one transaction, so it is kept smaller.</summary>
    public const int MaxAtomicRows = 10_000;

    public static readonly IReadOnlyList<string> MovementColumns =
        ["storeCode", "sku", "kind", "quantity", "reason", "reference", "note", "occurredAt"];

    public static readonly IReadOnlyList<string> ProductColumns =
        ["sku", "name", "category", "unit", "unitPrice", "barcode", "reorderPoint"];

    public static IReadOnlyList<string> Columns(string kind) => kind == OperationKinds.Products ? ProductColumns : MovementColumns;
}
