namespace BazaarCstd.Web.Services;

/// <summary>The ledger's movement kinds (as the API spells them) and how the dashboard names them.</summary>
public static class MovementKinds
{
    public const string StockIn = "stock_in";
    public const string Sale = "sale";
    public const string Removal = "removal";
    public const string Count = "count_adjustment";

    /// <summary>The reasons a removal may give (the API's list); <c>other</c> needs a note.</summary>
    public static readonly IReadOnlyList<(string Code, string Label)> RemovalReasons =
    [
        ("damaged", "Damaged"),
        ("expired", "Expired"),
        ("theft", "Theft"),
        ("lost", "Lost"),
        ("returned_to_supplier", "Returned to supplier"),
        ("other", "Other (say what in the note)"),
    ];

    public static string Describe(string kind) => kind switch
    {
        StockIn => "Stock in",
        Sale => "Sale",
        Removal => "Removal",
        "transfer_out" => "Transfer out",
        "transfer_in" => "Transfer in",
        Count => "Count adjustment",
        _ => kind,
    };
}
