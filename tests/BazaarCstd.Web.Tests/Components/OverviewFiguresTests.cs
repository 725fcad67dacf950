using BazaarCstd.Contracts.Reports;
using BazaarCstd.Contracts.Stores;
using BazaarCstd.Web.Services;

namespace BazaarCstd.Web.Tests.Components;

/// <summary>The overview's day and its comparison with last week.</summary>
public sealed class OverviewFiguresTests
{
    private static readonly DateTimeOffset s_lateEveningUtc = new(2026, 3, 9, 23, 30, 0, TimeSpan.Zero);

    [Fact]
    public void Today_is_the_chosen_stores_day_in_its_time_zone()
    {
        var berlin = NewStore("Europe/Berlin");

        Assert.Equal(new DateOnly(2026, 3, 10), BusinessDay.Today([berlin], berlin, s_lateEveningUtc));
    }

    [Fact]
    public void Stores_in_different_zones_share_utcs_day()
    {
        Assert.Equal(new DateOnly(2026, 3, 9),
            BusinessDay.Today([NewStore("Europe/Berlin"), NewStore("America/New_York")], null, s_lateEveningUtc));
        Assert.Equal(new DateOnly(2026, 3, 10),
            BusinessDay.Today([NewStore("Europe/Berlin"), NewStore("Europe/Berlin")], null, s_lateEveningUtc));
    }

    [Theory]
    [InlineData(15, 12, "+25 %")]
    [InlineData(9, 12, "−25 %")]
    [InlineData(4, 0, null)]
    public void Today_is_compared_with_the_same_weekday_last_week(decimal today, decimal lastWeek, string? change)
    {
        var day = new DateOnly(2026, 3, 10);
        var report = new SalesReport(null, day.AddDays(-29), day,
            [new SalesDay(day.AddDays(-7), lastWeek, 1), new SalesDay(day.AddDays(-6), 99, 1), new SalesDay(day, today, 1)]);

        var summary = SalesSummary.From(report, day);

        Assert.Equal(today, summary.Today);
        Assert.Equal(lastWeek, summary.SameDayLastWeek);
        Assert.Equal(change, summary.Change);
    }

    private static Store NewStore(string zone) =>
        new(Guid.NewGuid(), "S", "Store", zone, null, DateTimeOffset.UtcNow, DateTimeOffset.UtcNow, null);
}
