namespace BazaarCstd.Api.Stock;

/// <summary>
/// Filters of <c>GET /api/stock/current.csv</c>: those of <c>GET /api/stock/current</c> (with
/// <c>asOf</c>) without the paging.
/// </summary>
public sealed record StockExportQuery(
    Guid? StoreId,
    Guid? ProductId,
    string? Sku,
    string? Category,
    bool? LowStock,
    DateTimeOffset? AsOf)
{
    /// <summary>The JSON endpoint's query for one page of the export.</summary>
    public StockQuery Page(string? cursor) => new(StoreId, ProductId, Sku, Category, LowStock, AsOf, cursor, StockExport.PageSize);
}
