namespace BazaarCstd.Contracts.Stock;

/// <summary>
/// A physical count: sets on-hand to <see cref="CountedQuantity"/> by recording the difference.
/// With <see cref="ExpectedOnHand"/>, the count applies only if on-hand is still that (compare-and-set).
/// <see cref="OccurredAt"/>: when the shelf was counted (now when absent); never before the shelf's last count.
/// </summary>
public sealed record CountRequest(
    Guid? StoreId,
    Guid? ProductId,
    string? Sku,
    decimal? CountedQuantity,
    decimal? ExpectedOnHand = null,
    string? Note = null,
    DateTimeOffset? OccurredAt = null);
