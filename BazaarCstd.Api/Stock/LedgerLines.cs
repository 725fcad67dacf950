using BazaarCstd.Api.Infrastructure;
using BazaarCstd.Contracts.Stock;
using BazaarCstd.Data.Ledger;

namespace BazaarCstd.Api.Stock;

/// <summary>Validates movement requests and turns them into <see cref="LedgerLine"/>s.</summary>
internal static class LedgerLines
{
    public const int MaxLines = 100;

    public static void Validate(Validation v, string prefix, string kind, MovementRequest r, TimeProvider clock)
    {
        v.Required(prefix + "storeId", r.StoreId)
            .Product(prefix, r.ProductId, r.Sku)
            .Quantity(prefix + "quantity", r.Quantity)
            .Optional(prefix + "reference", r.Reference, Validation.MaxTextLength)
            .Optional(prefix + "note", r.Note, Validation.MaxTextLength)
            .Optional(prefix + "deviceId", r.DeviceId, 100)
            .OccurredAt(prefix + "occurredAt", r.OccurredAt, clock);

        if (kind == MovementKinds.Removal)
        {
            v.OneOf(prefix + "reason", r.Reason, RemovalReasons.All, required: true);
            if (r.Reason == RemovalReasons.Other && string.IsNullOrWhiteSpace(r.Note))
            {
                v.Add(prefix + "note", "is required when the reason is 'other'.");
            }
        }
        else
        {
            v.Optional(prefix + "reason", r.Reason, 100);
        }
    }

    public static LedgerLine ToLine(string kind, MovementRequest r) => LedgerLine.Movement(kind, r.StoreId, r.ProductId, r.Quantity, r.Sku) with
    {
        Reason = r.Reason,
        Reference = r.Reference,
        Note = r.Note,
        OccurredAt = r.OccurredAt,
        DeviceId = r.DeviceId,
    };

    public static MovementRequest FromBatchLine(BatchLine l) =>
        new(l.StoreId, l.ProductId, l.Sku, l.Quantity, l.Reason, l.Reference, l.Note, l.OccurredAt, l.DeviceId);
}
