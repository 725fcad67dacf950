using BazaarCstd.Contracts.Reports;

namespace BazaarCstd.Web.Services;

/// <summary>Units sold today and on the same weekday a week before, from a daily sales report.</summary>
public sealed record SalesSummary(decimal Today, decimal SameDayLastWeek)
{
    public static SalesSummary From(SalesReport report, DateOnly today) =>
        new(UnitsOn(report, today), UnitsOn(report, today.AddDays(-7)));

    /// <summary>"+25 %" / "−10 %" against last week; null when last week sold nothing (no ratio to give).</summary>
    public string? Change
    {
        get
        {
            if (SameDayLastWeek == 0)
            {
                return null;
            }

            var percent = Math.Round((Today - SameDayLastWeek) / SameDayLastWeek * 100);
            return (percent >= 0 ? "+" : "−") + Math.Abs(percent).ToString("0", System.Globalization.CultureInfo.InvariantCulture) + " %";
        }
    }

    private static decimal UnitsOn(SalesReport report, DateOnly day) => report.Days.FirstOrDefault(d => d.Day == day)?.Units ?? 0;
}
