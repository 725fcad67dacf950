using BazaarCstd.Contracts.Stock;
using BazaarCstd.Web.Services;

namespace BazaarCstd.Web.Tests.Components;

/// <summary>The product page's stock-over-time line: end-of-day levels worked back from today's.</summary>
public sealed class StockHistoryTests
{
    private static readonly DateOnly Today = new(2026, 12, 2);

    [Fact]
    public void Each_day_ends_with_todays_level_minus_what_moved_after_it()
    {
        Movement[] movements =
        [
            Move(Today.AddDays(-2), +10), // delivered two days ago
            Move(Today.AddDays(-1), -3),
            Move(Today, -2),
            Move(Today, -1),
        ];

        var levels = StockHistory.EndOfDay(onHandNow: 4, movements, Today, days: 4);

        Assert.Equal([0m, 10m, 7m, 4m], levels);
    }

    [Fact]
    public void A_movement_dated_after_today_counts_in_no_day_shown()
    {
        var levels = StockHistory.EndOfDay(onHandNow: 9, [Move(Today.AddDays(1), +5), Move(Today, +4)], Today, days: 2);

        Assert.Equal([0m, 4m], levels);
    }

    private static Movement Move(DateOnly day, decimal delta) => new(1, Guid.Empty, Guid.Empty, "SKU", delta > 0 ? MovementKinds.StockIn : MovementKinds.Sale,
        Math.Abs(delta), delta, null, null, null, new DateTimeOffset(day.ToDateTime(new TimeOnly(12, 0)), TimeSpan.Zero), DateTimeOffset.UtcNow, null, Guid.Empty);
}
