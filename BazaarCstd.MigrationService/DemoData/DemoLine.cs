using BazaarCstd.Data.Ledger;

namespace BazaarCstd.MigrationService.DemoData;

/// <summary>
/// One line of a demo store's history. For a <see cref="LedgerLine.CountKind"/> line
/// <paramref name="Quantity"/> is the counted quantity.
/// </summary>
public sealed record DemoLine(
    string Kind,
    Guid ProductId,
    decimal Quantity,
    DateTimeOffset OccurredAt,
    string? Reason = null,
    string? Reference = null,
    string? Note = null,
    string? DeviceId = null)
{
    public LedgerLine ToLedgerLine(Guid storeId) => (Kind == LedgerLine.CountKind
            ? LedgerLine.Count(storeId, ProductId, null, Quantity, note: Note)
            : LedgerLine.Movement(Kind, storeId, ProductId, Quantity) with { Note = Note, Reason = Reason })
        with { OccurredAt = OccurredAt, Reference = Reference, DeviceId = DeviceId };
}
