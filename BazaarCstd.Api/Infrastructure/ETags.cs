using System.Globalization;
using BazaarCstd.Data.Entities;

namespace BazaarCstd.Api.Infrastructure;

/// <summary>
/// Strong entity tags from PostgreSQL's row version (<c>xmin</c>, new on every committed update).
/// A GET returns one in <c>ETag</c>; a PUT may send it back in <c>If-Match</c> and is refused with
/// 412 when the row has changed since — checked here against the version read, and by EF Core
/// against the row itself when the update is saved.
/// </summary>
public static class ETags
{
    public static string Format(string rowVersion) => $"\"{rowVersion}\"";

    /// <summary>False when <c>If-Match</c> names a version other than <paramref name="row"/>'s (absent or <c>*</c> matches any).</summary>
    public static bool Matches(HttpRequest request, IVersionedRow row) =>
        Expected(request) is not { } expected || expected == Version(row);

    /// <summary>
    /// The row version <c>If-Match</c> demands: null when absent or <c>*</c> (any version), and
    /// a value no row can have when the header holds something we never issued.
    /// </summary>
    public static string? Expected(HttpRequest request)
    {
        var header = request.Headers.IfMatch.ToString().Trim();
        if (header.Length == 0 || header == "*")
        {
            return null;
        }

        return header.Length > 2 && header[0] == '"' && header[^1] == '"' && header[1..^1].All(char.IsAsciiDigit)
            ? header[1..^1]
            : "-";
    }

    public static void Set(HttpResponse response, IVersionedRow row) => response.Headers.ETag = Of(row);

    /// <summary>The tag <see cref="Set"/> sends for <paramref name="row"/> (kept with a cached copy of it).</summary>
    public static string Of(IVersionedRow row) => Format(Version(row));

    private static string Version(IVersionedRow row) => row.Version.ToString(CultureInfo.InvariantCulture);
}
