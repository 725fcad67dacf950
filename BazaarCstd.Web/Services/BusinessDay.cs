using BazaarCstd.Contracts.Stores;

namespace BazaarCstd.Web.Services;

/// <summary>
/// Which calendar day "today" is for the overview. The sales report counts each sale on its store's
/// own day, so today is the chosen store's day; for several stores it is their shared time zone's
/// day, and UTC's when their zones differ.
/// </summary>
public static class BusinessDay
{
    public static DateOnly Today(IReadOnlyList<Store> stores, Store? chosen, DateTimeOffset now)
    {
        var zones = chosen is not null ? [chosen.Timezone] : stores.Select(s => s.Timezone).Distinct(StringComparer.Ordinal).ToList();
        var zone = zones.Count == 1 && TimeZoneInfo.TryFindSystemTimeZoneById(zones[0], out var found) ? found : TimeZoneInfo.Utc;
        return DateOnly.FromDateTime(TimeZoneInfo.ConvertTime(now, zone).DateTime);
    }
}
