namespace BazaarCstd.Contracts.Stock;

/// <summary>Up to 100 movements of any kind, recorded all together or not at all.</summary>
public sealed record BatchRequest(IReadOnlyList<BatchLine>? Lines);

/// <summary>A batch line: a <see cref="MovementRequest"/> with its kind (<c>stock_in</c>, <c>sale</c>, <c>removal</c>).</summary>
public sealed record BatchLine(
    string? Kind,
    Guid? StoreId,
    Guid? ProductId,
    string? Sku,
    decimal? Quantity,
    string? Reason = null,
    string? Reference = null,
    string? Note = null,
    DateTimeOffset? OccurredAt = null,
    string? DeviceId = null);
