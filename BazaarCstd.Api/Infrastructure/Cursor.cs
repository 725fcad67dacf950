using System.Text;

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

    public static void ValidateLimit(Validation v, int? limit)
    {
        if (limit is < 1 or > MaxLimit)
        {
            v.Add("limit", $"must be between 1 and {MaxLimit}.");
        }
    }
}
