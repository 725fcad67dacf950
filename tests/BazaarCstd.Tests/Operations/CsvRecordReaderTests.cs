using BazaarCstd.Api.Operations;

namespace BazaarCstd.Tests.Operations;

public sealed class CsvRecordReaderTests
{
    [Fact]
    public async Task Reads_quoted_fields_with_commas_line_breaks_and_doubled_quotes_and_counts_records()
    {
        var reader = new CsvRecordReader(new StringReader("a,b,c\r\n\"x, y\",\"say \"\"hi\"\"\",\"two\nlines\"\n\n1,,3"));

        Assert.Equal(["a", "b", "c"], (await reader.ReadAsync(default))!);
        Assert.Equal(["x, y", "say \"hi\"", "two\nlines"], (await reader.ReadAsync(default))!);
        Assert.Equal(2, reader.Line);
        Assert.Empty((await reader.ReadAsync(default))!);
        Assert.Equal(["1", "", "3"], (await reader.ReadAsync(default))!);
        Assert.Equal(4, reader.Line);
        Assert.Null(await reader.ReadAsync(default));
    }

    [Fact]
    public async Task A_quote_split_across_reads_is_still_one_doubled_quote()
    {
        // The reader's buffer holds 16 K characters: the doubled quote straddles its end.
        var prefix = string.Join(',', Enumerable.Repeat(new string('a', 3_000), 5)) + "," + new string('a', 1_376);
        Assert.Equal(16 * 1024 - 3, prefix.Length);
        var record = await new CsvRecordReader(new StringReader(prefix + ",\"\"\"\"\n")).ReadAsync(default);
        Assert.Equal("\"", record![6]);
    }

    [Theory]
    [InlineData("a,\"open\n", "not closed")]
    [InlineData("\"a\"b\n", "after a closing quote")]
    [InlineData("a\0b\n", "NUL")]
    public async Task Structural_faults_name_the_line(string text, string fault)
    {
        var reader = new CsvRecordReader(new StringReader("h\n" + text));
        await reader.ReadAsync(default);
        var error = await Assert.ThrowsAsync<FormatException>(async () => await reader.ReadAsync(default));
        Assert.StartsWith("line 2:", error.Message, StringComparison.Ordinal);
        Assert.Contains(fault, error.Message, StringComparison.Ordinal);
    }
}
