using BazaarCstd.Contracts.Stock;
using MudBlazor;

namespace BazaarCstd.Web.Components.Stock;

/// <summary>How a stock level reads at a glance: out of stock, at or below its reorder point, or fine.</summary>
public enum StockStatus
{
    InStock,
    Low,
    Out,
}

public static class StockStatusOf
{
    public static StockStatus Row(StockRow row) =>
        row.OnHand <= 0 ? StockStatus.Out
        : row.OnHand <= row.ReorderPoint ? StockStatus.Low
        : StockStatus.InStock;

    public static Color Color(StockStatus status) => status switch
    {
        StockStatus.Out => MudBlazor.Color.Error,
        StockStatus.Low => MudBlazor.Color.Warning,
        _ => MudBlazor.Color.Success,
    };

    public static string Label(StockStatus status) => status switch
    {
        StockStatus.Out => "out of stock",
        StockStatus.Low => "low",
        _ => "in stock",
    };
}
