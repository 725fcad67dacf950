using Microsoft.Extensions.Primitives;
using NpgsqlTypes;

namespace BazaarCstd.Api.Infrastructure.Replica;

/// <summary>
/// <c>X-Consistency-Token</c>: a position in the primary's write-ahead log at or after a write's
/// commit, in PostgreSQL's text form (<c>16/B374D848</c>). A write answers with it; a read that sends
/// it back is served by a database that has that write.
/// </summary>
public static class ConsistencyToken
{
    public const string HeaderName = "X-Consistency-Token";

    /// <summary>Longest text form: two 8-digit hex halves and the slash.</summary>
    private const int MaxLength = 17;

    public static bool TryParse(StringValues values, out NpgsqlLogSequenceNumber token)
    {
        token = default;
        var text = values.Count == 1 ? values.ToString() : null;
        return text is { Length: > 2 and <= MaxLength }
            && text.All(c => char.IsAsciiHexDigit(c) || c == '/')
            && NpgsqlLogSequenceNumber.TryParse(text, out token);
    }

    public static string Format(NpgsqlLogSequenceNumber lsn) => lsn.ToString();
}
