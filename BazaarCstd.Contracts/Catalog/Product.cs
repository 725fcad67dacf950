namespace BazaarCstd.Contracts.Catalog;

public sealed record Product(
    Guid Id,
    string Sku,
    string Name,
    string? Description,
    string Category,
    string Unit,
    decimal UnitPrice,
    string? Barcode,
    decimal ReorderPoint,
    DateTimeOffset CreatedAt,
    DateTimeOffset UpdatedAt,
    DateTimeOffset? ArchivedAt);
