namespace BazaarCstd.Data;

/// <summary>The reviewed SQL files under <c>Sql/</c>, embedded in this assembly and run by migrations.</summary>
public static class SqlScripts
{
    public static string Read(string fileName)
    {
        using var stream = typeof(SqlScripts).Assembly.GetManifestResourceStream($"BazaarCstd.Data.Sql.{fileName}")
            ?? throw new InvalidOperationException($"SQL script '{fileName}' is not embedded.");
        using var reader = new StreamReader(stream);
        return reader.ReadToEnd();
    }
}
