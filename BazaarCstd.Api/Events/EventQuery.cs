using System.Globalization;
using BazaarCstd.Api.Infrastructure;
using BazaarCstd.Contracts.Events;

namespace BazaarCstd.Api.Events;

/// <summary>
/// Filters of <c>GET /api/inventory/events</c>. <see cref="From"/>/<see cref="To"/> bound
/// <c>occurredAt</c> (inclusive); <see cref="AfterId"/> is an exclusive lower bound on the id, for a
/// client that tails the log from the last event it saw.
/// </summary>
public sealed record EventQuery(
    Guid? StoreId,
    Guid? ProductId,
    string? Type,
    DateTimeOffset? From,
    DateTimeOffset? To,
    long? AfterId,
    string? Cursor,
    int? Limit)
{
    private static readonly IReadOnlySet<string> Types = new HashSet<string>(EventTypes.All, StringComparer.Ordinal);

    public Validation Validate()
    {
        var v = new Validation().OneOf("type", Type, Types).Period(From, To);
        if (AfterId is < 0)
        {
            v.Add("afterId", "must be zero or more.");
        }

        Infrastructure.Cursor.Validate(v, Cursor, CursorId, Limit);
        return v;
    }

    /// <summary>The id of the last event of the previous page (the list is oldest first).</summary>
    public long? CursorId => Infrastructure.Cursor.Decode(Cursor, 1) is [var id]
        && long.TryParse(id, NumberStyles.None, CultureInfo.InvariantCulture, out var value) ? value : null;

    /// <summary>Events after this id: the later of <see cref="AfterId"/> and the cursor.</summary>
    public long LowerBound => Math.Max(AfterId ?? 0, CursorId ?? 0);
}
