using BazaarCstd.Api.Infrastructure;
using BazaarCstd.Contracts.Alerts;

namespace BazaarCstd.Api.Alerts;

/// <summary>
/// Filters of <c>GET /api/inventory/alerts</c>. <see cref="Status"/> is one of the alert statuses, or
/// <c>active</c> (open and acknowledged: what still needs a person; the default) or <c>all</c>.
/// </summary>
public sealed record AlertQuery(
    Guid? StoreId,
    Guid? ProductId,
    string? Status,
    string? Kind,
    string? Cursor,
    int? Limit)
{
    public const string Active = "active";
    public const string Any = "all";

    private static readonly IReadOnlySet<string> StatusFilters =
        new HashSet<string>(StringComparer.Ordinal) { Active, Any, AlertStatuses.Open, AlertStatuses.Acknowledged, AlertStatuses.Resolved };

    private static readonly IReadOnlySet<string> Kinds = new HashSet<string>(AlertKinds.All, StringComparer.Ordinal);

    public Validation Validate()
    {
        var v = new Validation().OneOf("status", Status, StatusFilters).OneOf("kind", Kind, Kinds);
        Infrastructure.Cursor.Validate(v, Cursor, AfterId, Limit);
        return v;
    }

    /// <summary>The statuses the filter admits.</summary>
    public string[] Statuses => (Status ?? Active) switch
    {
        Active => [AlertStatuses.Open, AlertStatuses.Acknowledged],
        Any => [.. AlertStatuses.All],
        var one => [one],
    };

    /// <summary>The id of the last alert of the previous page (the list is newest first).</summary>
    public long? AfterId => Infrastructure.Cursor.Decode(Cursor, 1) is [var id]
        && long.TryParse(id, System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var value) ? value : null;
}
