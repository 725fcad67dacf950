namespace BazaarCstd.Data;

/// <summary>
/// The numbered SQL scripts under <c>Migrations/Sql/</c>, embedded in this assembly and run once each by
/// the migrations that name them. They are the history: the current definition of a function, view or
/// trigger is its file under <c>Sql/</c> (see <see cref="SchemaObjects"/>).
/// </summary>
public static class SqlScripts
{
    public const string ResourcePrefix = "BazaarCstd.Data.Migrations.Sql.";

    public static string Read(string fileName)
    {
        using var stream = typeof(SqlScripts).Assembly.GetManifestResourceStream(ResourcePrefix + fileName)
            ?? throw new InvalidOperationException(
                $"Migration script '{fileName}' is not embedded: numbered scripts live in BazaarCstd.Data/Migrations/Sql/.");
        using var reader = new StreamReader(stream);
        return reader.ReadToEnd();
    }
}
