namespace BazaarCstd.MigrationService.DemoData;

/// <summary>
/// Movements of one store written together by one <c>bazaar.record_movements</c> call (at most
/// <see cref="MaxLines"/> lines): a delivery, a till sync, an end-of-day round of removals, a stocktake.
/// </summary>
public sealed record DemoDocument(Guid BatchId, IReadOnlyList<DemoLine> Lines)
{
    public const int MaxLines = 100;
}
