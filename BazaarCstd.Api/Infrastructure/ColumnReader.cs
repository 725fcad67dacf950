using Npgsql;

namespace BazaarCstd.Api.Infrastructure;

/// <summary>
/// Reads a column by its name, so a query can gain or reorder columns without renumbering its
/// readers. A SQL NULL reads as <c>null</c> (ask for <c>DateTimeOffset?</c>, <c>string?</c>, …).
/// </summary>
internal static class ColumnReader
{
    public static T Column<T>(this NpgsqlDataReader reader, string name)
    {
        var ordinal = reader.GetOrdinal(name);
        return reader.IsDBNull(ordinal) ? default! : reader.GetFieldValue<T>(ordinal);
    }
}
