using BazaarCstd.Contracts.Stock;

namespace BazaarCstd.Web.Services;

/// <summary>How the dashboard names the ledger's movement kinds and removal reasons (<see cref="MovementKinds"/>, <see cref="RemovalReasons"/>).</summary>
public static class MovementLabels
{
    /// <summary>The reasons a removal may give, in the order the form offers them; <c>other</c> needs a note.</summary>
    public static readonly IReadOnlyList<(string Code, string Label)> RemovalReasons =
    [
        (Contracts.Stock.RemovalReasons.Damaged, "Damaged"),
        (Contracts.Stock.RemovalReasons.Expired, "Expired"),
        (Contracts.Stock.RemovalReasons.Theft, "Theft"),
        (Contracts.Stock.RemovalReasons.Lost, "Lost"),
        (Contracts.Stock.RemovalReasons.ReturnedToSupplier, "Returned to supplier"),
        (Contracts.Stock.RemovalReasons.Other, "Other (say what in the note)"),
    ];

    public static string Describe(string kind) => kind switch
    {
        MovementKinds.StockIn => "Stock in",
        MovementKinds.Sale => "Sale",
        MovementKinds.Removal => "Removal",
        MovementKinds.TransferOut => "Transfer out",
        MovementKinds.TransferIn => "Transfer in",
        MovementKinds.CountAdjustment => "Count adjustment",
        _ => kind,
    };
}
