namespace BazaarCstd.Contracts.Catalog;

/// <summary>Body of <c>POST /api/products</c> and <c>PUT /api/products/{id}</c>.</summary>
public sealed record ProductRequest(
    string? Sku,
    string? Name,
    string? Category,
    string? Unit,
    decimal? UnitPrice,
    string? Barcode = null,
    string? Description = null,
    decimal? ReorderPoint = null);
