namespace BazaarCstd.MigrationService.DemoData;

/// <summary>
/// The whole demo data set — stores, catalog and each store's simulated history — as a pure function
/// of <see cref="Seed"/> and the instant the history ends. Building it twice gives the same ids,
/// documents and quantities, which is what lets an interrupted seed resume and a test predict stock.
/// </summary>
public sealed class DemoChain
{
    public const int Seed = 20_261_125;
    public const int HistoryDays = 60;

    private DemoChain(DateTimeOffset end, IReadOnlyList<DemoStore> stores, IReadOnlyList<DemoProduct> products, IReadOnlyList<StoreHistory> histories)
    {
        End = end;
        Stores = stores;
        Products = products;
        Histories = histories;
    }

    /// <summary>The last instant of the history ("now" when the chain was first seeded).</summary>
    public DateTimeOffset End { get; }

    /// <summary>
    /// When the stores and products were created, <see cref="HistoryDays"/> days before <see cref="End"/>.
    /// It is written as their <c>created_at</c>, so a later run can rebuild the same chain from it.
    /// </summary>
    public DateTimeOffset Start => End.AddDays(-HistoryDays);

    public IReadOnlyList<DemoStore> Stores { get; }

    public IReadOnlyList<DemoProduct> Products { get; }

    /// <summary>One history per store, in store order.</summary>
    public IReadOnlyList<StoreHistory> Histories { get; }

    public int MovementCount => Histories.Sum(h => h.MovementCount);

    public int DocumentCount => Histories.Sum(h => h.Documents.Count);

    /// <summary>The chain whose history ends at <paramref name="end"/> (truncated to the whole minute).</summary>
    public static DemoChain Build(DateTimeOffset end)
    {
        var ticks = end.UtcTicks - (end.UtcTicks % TimeSpan.TicksPerMinute);
        var endUtc = new DateTimeOffset(ticks, TimeSpan.Zero);
        var stores = DemoStores.Create(new Random(Seed));
        var products = DemoCatalog.Products();
        var histories = stores
            .AsParallel().AsOrdered()
            .Select(store => StoreHistory.Simulate(store, products, endUtc, HistoryDays, Seed))
            .ToList();
        return new DemoChain(endUtc, stores, products, histories);
    }

    /// <summary>The chain that was seeded when the demo stores were created at <paramref name="start"/>.</summary>
    public static DemoChain FromStart(DateTimeOffset start) => Build(start.AddDays(HistoryDays));
}
