namespace BazaarCstd.Contracts.Stock;

/// <summary>
/// One stock-in, sale or removal (<c>POST /api/stock/add|sale|remove</c>). The product is named by
/// <see cref="ProductId"/> or <see cref="Sku"/>; <see cref="OccurredAt"/> is the till's clock.
/// </summary>
public sealed record MovementRequest(
    Guid? StoreId,
    Guid? ProductId,
    string? Sku,
    decimal? Quantity,
    string? Reason = null,
    string? Reference = null,
    string? Note = null,
    DateTimeOffset? OccurredAt = null,
    string? DeviceId = null);
