using System.Globalization;

namespace BazaarCstd.Web.Services;

/// <summary>
/// What the movements page asks for: the API's filters of <c>GET /api/stock/movements</c>. Dates are
/// whole UTC days, <see cref="To"/> included.
/// </summary>
public sealed record MovementFilter(Guid? StoreId, Guid? ProductId, string? Kind, DateOnly? From, DateOnly? To, string? Reference)
{
    /// <summary>The query parameters, as both the JSON list and the CSV export take them.</summary>
    public IEnumerable<(string Name, string? Value)> Parameters()
    {
        yield return ("storeId", StoreId?.ToString());
        yield return ("productId", ProductId?.ToString());
        yield return ("kind", string.IsNullOrWhiteSpace(Kind) ? null : Kind);
        yield return ("from", From is { } from ? Instant(from.ToDateTime(TimeOnly.MinValue, DateTimeKind.Utc)) : null);
        yield return ("to", To is { } to ? Instant(to.ToDateTime(TimeOnly.MaxValue, DateTimeKind.Utc)) : null);
        yield return ("reference", string.IsNullOrWhiteSpace(Reference) ? null : Reference.Trim());
    }

    /// <summary>The query string (with its <c>?</c>, or empty) of these filters.</summary>
    public string QueryString()
    {
        var query = string.Join('&', Parameters().Where(p => p.Value is not null).Select(p => $"{p.Name}={Uri.EscapeDataString(p.Value!)}"));
        return query.Length == 0 ? "" : "?" + query;
    }

    private static string Instant(DateTime utc) => utc.ToString("yyyy-MM-dd'T'HH:mm:ss.fffffff'Z'", CultureInfo.InvariantCulture);
}
