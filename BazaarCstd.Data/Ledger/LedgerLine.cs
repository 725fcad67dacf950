using System.Text.Json;
using System.Text.Json.Serialization;
using BazaarCstd.Contracts.Stock;

namespace BazaarCstd.Data.Ledger;

/// <summary>
/// One line of a stock document as <c>bazaar.record_movements</c> takes it (its <c>p_lines</c> jsonb
/// array): every caller — the API, the demo seeder, the load run, the tests — builds these, and
/// <see cref="ToJson"/> is the one place they become JSON. The product is named by
/// <see cref="ProductId"/> or <see cref="Sku"/>. Build a count with <see cref="Count"/>.
/// </summary>
public sealed record LedgerLine
{
    /// <summary>The ledger's input kind for a physical count; it records a <see cref="MovementKinds.CountAdjustment"/>.</summary>
    public const string CountKind = "count";

    /// <summary>A <see cref="MovementKinds"/> value (not <c>count_adjustment</c>), or <see cref="CountKind"/>.</summary>
    public required string Kind { get; init; }

    public required Guid? StoreId { get; init; }

    public Guid? ProductId { get; init; }

    public string? Sku { get; init; }

    /// <summary>How much moved (positive); null on a count line.</summary>
    public decimal? Quantity { get; init; }

    /// <summary>On a count line: what is on the shelf.</summary>
    public decimal? CountedQuantity { get; init; }

    /// <summary>On a count line: apply only if on-hand is still this (compare-and-set).</summary>
    public decimal? ExpectedOnHand { get; init; }

    public string? Reason { get; init; }

    public string? Reference { get; init; }

    public string? Note { get; init; }

    /// <summary>Business time (the till's clock); the server's time when null.</summary>
    public DateTimeOffset? OccurredAt { get; init; }

    public string? DeviceId { get; init; }

    public static LedgerLine Movement(string kind, Guid? storeId, Guid? productId, decimal? quantity, string? sku = null) =>
        new() { Kind = kind, StoreId = storeId, ProductId = productId, Sku = sku, Quantity = quantity };

    public static LedgerLine Count(
        Guid? storeId, Guid? productId, string? sku, decimal? counted, decimal? expectedOnHand = null, string? note = null, DateTimeOffset? occurredAt = null) =>
        new()
        {
            Kind = CountKind, StoreId = storeId, ProductId = productId, Sku = sku,
            CountedQuantity = counted, ExpectedOnHand = expectedOnHand, Reason = CountKind, Note = note, OccurredAt = occurredAt,
        };

    /// <summary>The document as the ledger function's <c>p_lines</c> argument.</summary>
    public static string ToJson(IReadOnlyList<LedgerLine> lines) => JsonSerializer.Serialize(lines, LedgerLineJson.Default.IReadOnlyListLedgerLine);
}

[JsonSourceGenerationOptions(PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase, DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull)]
[JsonSerializable(typeof(IReadOnlyList<LedgerLine>))]
internal sealed partial class LedgerLineJson : JsonSerializerContext;
