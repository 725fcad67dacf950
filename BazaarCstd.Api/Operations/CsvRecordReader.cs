using System.Text;

namespace BazaarCstd.Api.Operations;

/// <summary>
/// Reads an RFC 4180 CSV text one record at a time, as it arrives: fields separated by commas,
/// records by LF or CRLF, a field in double quotes may hold commas, line breaks and doubled quotes.
/// Nothing but the current record is held, so a 20 MB upload never sits in memory. A structural
/// fault (an unterminated quote, a field or record past the limits) is a <see cref="FormatException"/>
/// naming the line.
/// </summary>
public sealed class CsvRecordReader(TextReader reader)
{
    public const int MaxFields = 64;
    public const int MaxFieldLength = 4_000;

    private readonly char[] _buffer = new char[16 * 1024];
    private readonly StringBuilder _field = new();
    private int _position;
    private int _length;

    /// <summary>The record number of the last record read (the header is 1), counting blank lines.</summary>
    public int Line { get; private set; }

    /// <summary>The next record's fields, or null at the end of the text. A blank line is an empty array.</summary>
    public async ValueTask<string[]?> ReadAsync(CancellationToken ct)
    {
        var fields = new List<string>();
        var state = State.FieldStart;
        var any = false;
        _field.Clear();
        while (true)
        {
            if (_position == _length)
            {
                _length = await reader.ReadAsync(_buffer, ct);
                _position = 0;
                if (_length == 0)
                {
                    if (!any)
                    {
                        return null;
                    }

                    Line++;
                    if (state == State.Quoted)
                    {
                        throw new FormatException($"line {Line}: a quoted field is not closed.");
                    }

                    return End(fields);
                }
            }

            var c = _buffer[_position++];
            any = true;
            switch (state)
            {
                case State.Quoted when c == '"':
                    state = State.QuoteInQuoted;
                    continue;
                case State.Quoted:
                    Append(c);
                    continue;
                case State.QuoteInQuoted when c == '"':
                    Append('"');
                    state = State.Quoted;
                    continue;
                case State.FieldStart when c == '"':
                    state = State.Quoted;
                    continue;
            }

            // Outside quotes (a field's start, its unquoted text, or just after its closing quote).
            switch (c)
            {
                case ',':
                    AddField(fields);
                    state = State.FieldStart;
                    break;
                case '\r':
                    break;
                case '\n':
                    Line++;
                    return End(fields);
                default:
                    if (state == State.QuoteInQuoted)
                    {
                        throw new FormatException($"line {Line + 1}: text after a closing quote; double a quote inside a quoted field (\"\").");
                    }

                    Append(c);
                    state = State.Unquoted;
                    break;
            }
        }
    }

    private string[] End(List<string> fields)
    {
        if (fields.Count == 0 && _field.Length == 0)
        {
            return [];
        }

        AddField(fields);
        return [.. fields];
    }

    private void AddField(List<string> fields)
    {
        if (fields.Count == MaxFields)
        {
            throw new FormatException($"line {Line + 1}: more than {MaxFields} fields.");
        }

        fields.Add(_field.ToString());
        _field.Clear();
    }

    private void Append(char c)
    {
        if (c == '\0')
        {
            throw new FormatException($"line {Line + 1}: a NUL character, which text cannot hold.");
        }

        if (_field.Length == MaxFieldLength)
        {
            throw new FormatException($"line {Line + 1}: a field longer than {MaxFieldLength} characters.");
        }

        _field.Append(c);
    }

    private enum State
    {
        FieldStart,
        Unquoted,
        Quoted,
        QuoteInQuoted,
    }
}
