using BazaarCstd.Api.Infrastructure;

namespace BazaarCstd.Api.Stock;

/// <summary>Filters of <c>GET /api/stock/movements</c>; <see cref="From"/>/<see cref="To"/> are business time (occurredAt).</summary>
public sealed record MovementQuery(
    Guid? StoreId,
    Guid? ProductId,
    string? Kind,
    DateTimeOffset? From,
    DateTimeOffset? To,
    string? Reference,
    Guid? BatchId,
    string? Cursor,
    int? Limit)
{
    private static readonly HashSet<string> s_kinds = ["stock_in", "sale", "removal", "transfer_out", "transfer_in", "count_adjustment"];

    public Validation Validate()
    {
        var v = new Validation().Optional("reference", Reference, Validation.MaxTextLength)
            .OneOf("kind", Kind, s_kinds).Period(From, To);
        Infrastructure.Cursor.Validate(v, Cursor, DecodedCursor, Limit);

        return v;
    }

    public (DateTimeOffset At, long Id)? DecodedCursor => Infrastructure.Cursor.DecodeInstantAndId(Cursor);
}
