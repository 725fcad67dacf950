using System.Globalization;
using System.Text;
using BazaarCstd.Api.Infrastructure;
using BazaarCstd.Contracts;

namespace BazaarCstd.Api.Stock;

/// <summary>
/// CSV (RFC 4180, UTF-8, CRLF) written to the response as it is read: the export walks the JSON
/// endpoint's own keyset pages (same SQL, filters and store scoping), writes each row, and flushes
/// each page, so memory holds one page however long the export. Rows recorded while an export runs
/// may or may not be in it (each page is its own statement).
/// </summary>
public static class StockExport
{
    /// <summary>Rows read per statement: the JSON endpoints' largest page.</summary>
    public const int PageSize = Infrastructure.Cursor.MaxLimit;

    public const string ContentType = "text/csv; charset=utf-8";

    /// <summary>Writes a header line, then every row of every page until the last.</summary>
    public static async Task WriteAsync<T>(
        Stream body, string[] header, Func<string?, Task<Page<T>>> readPage, Func<T, IEnumerable<string?>> fields, CancellationToken ct)
    {
        await using var writer = new StreamWriter(body, new UTF8Encoding(encoderShouldEmitUTF8Identifier: false), bufferSize: 16 * 1024, leaveOpen: true)
        {
            NewLine = "\r\n",
        };
        await WriteLineAsync(writer, header);
        string? cursor = null;
        do
        {
            var page = await readPage(cursor);
            foreach (var row in page.Items)
            {
                await WriteLineAsync(writer, fields(row));
            }

            await writer.FlushAsync(ct);
            cursor = page.NextCursor;
        }
        while (cursor is not null && !ct.IsCancellationRequested);
    }

    private static Task WriteLineAsync(StreamWriter writer, IEnumerable<string?> fields) =>
        writer.WriteLineAsync(string.Join(',', fields.Select(Quote)));

    /// <summary>A field quoted when it holds a comma, quote or line break (quotes doubled).</summary>
    public static string Quote(string? field) =>
        field is null ? ""
        : field.AsSpan().IndexOfAny(",\"\r\n") >= 0 ? $"\"{field.Replace("\"", "\"\"", StringComparison.Ordinal)}\""
        : field;

    /// <summary>
    /// Free text someone typed (a note, a reference): a leading <c>= + - @</c> or control character is
    /// prefixed with <c>'</c> so a spreadsheet shows it instead of running it as a formula (OWASP, CSV injection).
    /// </summary>
    public static string? Text(string? value) =>
        value is { Length: > 0 } && value[0] is '=' or '+' or '-' or '@' or '\t' or '\r' ? "'" + value : value;

    /// <summary>A quantity without the column's trailing zeros (4, 2.5, 0.125), as a spreadsheet reads it.</summary>
    public static string Number(decimal value) => value.ToString("0.############", CultureInfo.InvariantCulture);

    /// <summary>ISO 8601 in UTC, to the microsecond (what PostgreSQL keeps).</summary>
    public static string Instant(DateTimeOffset value) => value.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss.ffffff'Z'", CultureInfo.InvariantCulture);

    public static string? Instant(DateTimeOffset? value) => value is { } v ? Instant(v) : null;
}
