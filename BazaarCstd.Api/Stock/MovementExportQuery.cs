namespace BazaarCstd.Api.Stock;

/// <summary>
/// Filters of <c>GET /api/stock/movements.csv</c>: those of <c>GET /api/stock/movements</c> without
/// the paging (the export is every matching row).
/// </summary>
public sealed record MovementExportQuery(
    Guid? StoreId,
    Guid? ProductId,
    string? Kind,
    DateTimeOffset? From,
    DateTimeOffset? To,
    string? Reference,
    Guid? BatchId)
{
    /// <summary>The JSON endpoint's query for one page of the export.</summary>
    public MovementQuery Page(string? cursor) => new(StoreId, ProductId, Kind, From, To, Reference, BatchId, cursor, StockExport.PageSize);
}
