using BazaarCstd.Contracts.Stock;

namespace BazaarCstd.Web.Services;

/// <summary>
/// A product's stock per store at the end of each of the last days, worked back from today's level:
/// the level at the end of a day is today's minus every movement that occurred (business time, as
/// the API's <c>asOf</c>) after that day. Needs the movements of the period only.
/// </summary>
public static class StockHistory
{
    /// <summary>One store's end-of-day levels, oldest day first (<paramref name="days"/> values, the last one today's).</summary>
    public static IReadOnlyList<decimal> EndOfDay(decimal onHandNow, IEnumerable<Movement> movements, DateOnly today, int days)
    {
        var deltasByDay = movements
            .GroupBy(m => DateOnly.FromDateTime(m.OccurredAt.UtcDateTime))
            .ToDictionary(g => g.Key, g => g.Sum(m => m.Delta));
        var levels = new decimal[days];
        var level = onHandNow;
        // Movements dated after today (a till's clock ahead) are already in today's level: take them off first.
        level -= deltasByDay.Where(d => d.Key > today).Sum(d => d.Value);
        for (var i = days - 1; i >= 0; i--)
        {
            var day = today.AddDays(i - (days - 1));
            levels[i] = level;
            level -= deltasByDay.GetValueOrDefault(day);
        }

        return levels;
    }
}
