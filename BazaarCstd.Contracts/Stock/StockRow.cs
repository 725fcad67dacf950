namespace BazaarCstd.Contracts.Stock;

/// <summary>A row of current (or as-of) stock.</summary>
public sealed record StockRow(
    Guid StoreId,
    string StoreCode,
    Guid ProductId,
    string Sku,
    string Name,
    string Unit,
    decimal OnHand,
    decimal ReorderPoint,
    DateTimeOffset? UpdatedAt);
