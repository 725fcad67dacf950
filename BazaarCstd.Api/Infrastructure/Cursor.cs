using System.Globalization;
using System.Text;
using BazaarCstd.Contracts;

namespace BazaarCstd.Api.Infrastructure;

/// <summary>Opaque keyset-pagination cursors: the sort key of the last row of a page, base64url-encoded.</summary>
public static class Cursor
{
    public const int DefaultLimit = 100;
    public const int MaxLimit = 500;

    public static string Encode(params string[] parts) =>
        Convert.ToBase64String(Encoding.UTF8.GetBytes(string.Join('|', parts))).TrimEnd('=').Replace('+', '-').Replace('/', '_');

    public static string[]? Decode(string? cursor, int expectedParts)
    {
        if (string.IsNullOrEmpty(cursor) || cursor.Length > 200)
        {
            return null;
        }

        try
        {
            var base64 = cursor.Replace('-', '+').Replace('_', '/');
            base64 = base64.PadRight(base64.Length + ((4 - (base64.Length % 4)) % 4), '=');
            var parts = Encoding.UTF8.GetString(Convert.FromBase64String(base64)).Split('|');
            return parts.Length == expectedParts ? parts : null;
        }
        catch (FormatException)
        {
            return null;
        }
    }

    /// <summary>The cursor of a list in (instant, id) order, newest or oldest first: the last row's UTC ticks and id.</summary>
    public static string EncodeInstantAndId(DateTimeOffset at, long id) =>
        Encode(at.UtcTicks.ToString(CultureInfo.InvariantCulture), id.ToString(CultureInfo.InvariantCulture));

    /// <summary>The (instant, id) of an <see cref="EncodeInstantAndId"/> cursor, or null when it is not one.</summary>
    public static (DateTimeOffset At, long Id)? DecodeInstantAndId(string? cursor) =>
        Decode(cursor, 2) is [var at, var id]
        && long.TryParse(at, NumberStyles.None, CultureInfo.InvariantCulture, out var ticks)
        && long.TryParse(id, NumberStyles.None, CultureInfo.InvariantCulture, out var rowId)
        && ticks >= DateTimeOffset.MinValue.UtcTicks && ticks <= DateTimeOffset.MaxValue.UtcTicks
            ? (new DateTimeOffset(ticks, TimeSpan.Zero), rowId)
            : null;

    /// <summary>Checks a list endpoint's <c>limit</c> and that its <c>cursor</c> (if any) decoded.</summary>
    public static void Validate(Validation v, string? cursor, object? decoded, int? limit)
    {
        if (limit is < 1 or > MaxLimit)
        {
            v.Add("limit", $"must be between 1 and {MaxLimit}.");
        }

        if (cursor is not null && decoded is null)
        {
            v.Add("cursor", "is not a cursor this API returned.");
        }
    }

    /// <summary>Turns <paramref name="limit"/> + 1 fetched rows into a page: the extra row only says there is a next page.</summary>
    public static Page<T> ToPage<T>(List<T> rows, int limit, Func<T, string> cursorOf)
    {
        if (rows.Count <= limit)
        {
            return new Page<T>(rows, null);
        }

        rows.RemoveAt(rows.Count - 1);
        return new Page<T>(rows, cursorOf(rows[^1]));
    }
}
