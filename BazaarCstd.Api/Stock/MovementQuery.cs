using BazaarCstd.Api.Infrastructure;
using BazaarCstd.Contracts.Stock;

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
    public Validation Validate()
    {
        var v = new Validation().Optional("reference", Reference, Validation.MaxTextLength)
            .OneOf("kind", Kind, MovementKinds.All).Period(From, To);
        Infrastructure.Cursor.Validate(v, Cursor, DecodedCursor, Limit);

        return v;
    }

    public (DateTimeOffset At, long Id)? DecodedCursor => Infrastructure.Cursor.DecodeInstantAndId(Cursor);
}
