namespace BazaarCstd.MigrationService.DemoData;

/// <summary>
/// What a <see cref="DemoDataSeeder"/> run did. <paramref name="DocumentsWritten"/> is 0 when the demo
/// data was already complete; it is less than the chain's total when an interrupted seed was resumed.
/// </summary>
public sealed record DemoSeedResult(
    bool CatalogCreated,
    int Stores,
    int Products,
    int DocumentsWritten,
    int MovementsWritten,
    DateTimeOffset HistoryEnd,
    TimeSpan Elapsed)
{
    public bool AlreadyComplete => !CatalogCreated && DocumentsWritten == 0;
}
