namespace BazaarCstd.Contracts.Stock;

/// <summary>
/// The kinds of movement (<c>stock_movements.kind</c>, <see cref="Movement.Kind"/>, the <c>kind</c>
/// filter). A count is recorded as a <see cref="CountAdjustment"/> of the difference.
/// </summary>
public static class MovementKinds
{
    public const string StockIn = "stock_in";
    public const string Sale = "sale";
    public const string Removal = "removal";
    public const string TransferOut = "transfer_out";
    public const string TransferIn = "transfer_in";
    public const string CountAdjustment = "count_adjustment";

    public static readonly IReadOnlySet<string> All =
        new HashSet<string>(StringComparer.Ordinal) { StockIn, Sale, Removal, TransferOut, TransferIn, CountAdjustment };

    /// <summary>What a batch line may be (transfers and counts have endpoints of their own).</summary>
    public static readonly IReadOnlySet<string> Batchable = new HashSet<string>(StringComparer.Ordinal) { StockIn, Sale, Removal };
}
