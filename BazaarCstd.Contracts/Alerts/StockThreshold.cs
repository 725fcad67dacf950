namespace BazaarCstd.Contracts.Alerts;

/// <summary>
/// The reorder threshold in force for one (store, product): the store's override when set
/// (<see cref="IsOverride"/>), otherwise the product's <c>reorderPoint</c>.
/// </summary>
public sealed record StockThreshold(
    Guid StoreId,
    Guid ProductId,
    string Sku,
    decimal ReorderPoint,
    decimal? ReorderQuantity,
    bool IsOverride,
    DateTimeOffset? UpdatedAt);

/// <summary>Body of <c>PUT /api/stores/{storeId}/thresholds/{productId}</c>.</summary>
public sealed record StockThresholdRequest(decimal? ReorderPoint, decimal? ReorderQuantity = null);
