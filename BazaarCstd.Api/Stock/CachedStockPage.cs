using BazaarCstd.Contracts;
using BazaarCstd.Contracts.Stock;

namespace BazaarCstd.Api.Stock;

/// <summary>A cached stock page and the WAL position it holds every write up to (<see cref="StockReader.CurrentWithPositionAsync"/>).</summary>
public sealed record CachedStockPage(Page<StockRow> Page, ulong ReadAt);
