using System.Text.Json.Nodes;
using BazaarCstd.Api.Infrastructure;
using BazaarCstd.Contracts.Stock;

namespace BazaarCstd.Api.Stock;

/// <summary>Validates requests and turns them into the JSON lines <c>bazaar.record_movements</c> takes.</summary>
internal static class LedgerLines
{
    public const int MaxLines = 100;

    public static readonly IReadOnlySet<string> BatchKinds = new HashSet<string>(StringComparer.Ordinal) { "stock_in", "sale", "removal" };

    public static void Validate(Validation v, string prefix, string kind, MovementRequest r, TimeProvider clock)
    {
        v.Required(prefix + "storeId", r.StoreId)
            .Product(prefix, r.ProductId, r.Sku)
            .Quantity(prefix + "quantity", r.Quantity)
            .Optional(prefix + "reference", r.Reference, Validation.MaxTextLength)
            .Optional(prefix + "note", r.Note, Validation.MaxTextLength)
            .Optional(prefix + "deviceId", r.DeviceId, 100)
            .OccurredAt(prefix + "occurredAt", r.OccurredAt, clock);

        if (kind == "removal")
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

    public static JsonObject ToLine(string kind, MovementRequest r) => new()
    {
        ["kind"] = kind,
        ["storeId"] = r.StoreId,
        ["productId"] = r.ProductId,
        ["sku"] = r.Sku,
        ["quantity"] = r.Quantity,
        ["reason"] = r.Reason,
        ["reference"] = r.Reference,
        ["note"] = r.Note,
        ["occurredAt"] = r.OccurredAt?.ToUniversalTime().ToString("O"),
        ["deviceId"] = r.DeviceId,
    };

    public static MovementRequest FromBatchLine(BatchLine l) =>
        new(l.StoreId, l.ProductId, l.Sku, l.Quantity, l.Reason, l.Reference, l.Note, l.OccurredAt, l.DeviceId);
}
