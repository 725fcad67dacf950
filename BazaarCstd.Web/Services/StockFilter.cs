namespace BazaarCstd.Web.Services;

/// <summary>What the inventory grid asks the API for: all filtering happens on the server.</summary>
public sealed record StockFilter(Guid? StoreId, string? Category, string? Search, bool LowStockOnly);
