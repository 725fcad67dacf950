namespace BazaarCstd.MigrationService.DemoData;

/// <summary>
/// A store of the demo chain. <paramref name="Size"/> scales its sales (1 = an average store);
/// deliveries arrive early in the morning on <paramref name="DeliveryDays"/>.
/// </summary>
public sealed record DemoStore(
    int Number,
    Guid Id,
    string Code,
    string Name,
    string TimeZone,
    string Address,
    bool OpenOnSunday,
    double Size,
    IReadOnlySet<DayOfWeek> DeliveryDays);
