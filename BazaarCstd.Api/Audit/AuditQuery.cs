using BazaarCstd.Api.Infrastructure;

namespace BazaarCstd.Api.Audit;

/// <summary>Filters of <c>GET /api/audit-logs</c>; <see cref="From"/>/<see cref="To"/> bound the time of the change (inclusive).</summary>
public sealed record AuditQuery(
    string? Table,
    Guid? ActorId,
    DateTimeOffset? From,
    DateTimeOffset? To,
    string? Cursor,
    int? Limit)
{
    /// <summary>The tables whose changes are audited (their <c>trg_*_audit</c> triggers, <c>BazaarCstd.Data/Sql/triggers/</c>).</summary>
    public static readonly IReadOnlySet<string> Tables =
        new HashSet<string>(StringComparer.Ordinal) { "products", "stores", "users", "user_roles", "user_stores", "stock_movements", "stock_thresholds", "settings" };

    public Validation Validate()
    {
        var v = new Validation().OneOf("table", Table, Tables).Period(From, To);
        Infrastructure.Cursor.Validate(v, Cursor, DecodedCursor, Limit);
        return v;
    }

    public (DateTimeOffset At, long Id)? DecodedCursor => Infrastructure.Cursor.DecodeInstantAndId(Cursor);
}
