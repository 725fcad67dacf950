namespace BazaarCstd.Contracts.Stock;

/// <summary>An immutable stock movement as recorded.</summary>
public sealed record Movement(
    long Id,
    Guid StoreId,
    Guid ProductId,
    string Sku,
    string Kind,
    decimal Quantity,
    decimal Delta,
    string? Reason,
    string? Reference,
    string? Note,
    DateTimeOffset OccurredAt,
    DateTimeOffset RecordedAt,
    string? DeviceId,
    Guid BatchId);
