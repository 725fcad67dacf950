namespace BazaarCstd.Contracts.Stock;

/// <summary>Moves stock between two stores as one document: both sides are written or neither.</summary>
public sealed record TransferRequest(
    Guid? FromStoreId,
    Guid? ToStoreId,
    IReadOnlyList<TransferLine>? Lines,
    string? Reference = null,
    string? Note = null);

public sealed record TransferLine(Guid? ProductId, string? Sku, decimal? Quantity);
