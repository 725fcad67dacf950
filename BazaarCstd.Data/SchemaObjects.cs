using System.Security.Cryptography;
using System.Text;

namespace BazaarCstd.Data;

/// <summary>
/// The current definition of every function, view and trigger of schema <c>bazaar</c>: one file each
/// under <c>Sql/functions/</c>, <c>Sql/views/</c> and <c>Sql/triggers/</c> (named
/// <c>&lt;table&gt;.&lt;trigger&gt;</c>), embedded in this assembly. The MigrationService applies a file
/// after the migrations whenever it differs from what the database last recorded. The numbered
/// scripts under <c>Migrations/Sql/</c> are the history (see <see cref="SqlScripts"/>).
/// </summary>
public static class SchemaObjects
{
    public const string ResourcePrefix = "BazaarCstd.Data.Sql.";

    private static readonly Dictionary<string, SchemaObjectKind> s_folders = new(StringComparer.Ordinal)
    {
        ["functions"] = SchemaObjectKind.Function,
        ["views"] = SchemaObjectKind.View,
        ["triggers"] = SchemaObjectKind.Trigger,
    };

    private static readonly Lazy<IReadOnlyList<SchemaObject>> s_all = new(Load);

    /// <summary>Every object file, in the order they are applied: functions, views, triggers; by name within each.</summary>
    public static IReadOnlyList<SchemaObject> All => s_all.Value;

    private static List<SchemaObject> Load()
    {
        var assembly = typeof(SchemaObjects).Assembly;
        var objects = new List<SchemaObject>();
        foreach (var resource in assembly.GetManifestResourceNames().Where(r => r.StartsWith(ResourcePrefix, StringComparison.Ordinal)))
        {
            // %(RecursiveDir) in the project file keeps the folder: "functions/record_movements.sql".
            var path = resource[ResourcePrefix.Length..].Replace('\\', '/');
            var parts = path.Split('/');
            if (parts.Length != 2 || !s_folders.TryGetValue(parts[0], out var kind) || !path.EndsWith(".sql", StringComparison.Ordinal))
            {
                throw new InvalidOperationException(
                    $"BazaarCstd.Data/Sql/{path} is not a function, view or trigger file: those live in Sql/functions/, Sql/views/ " +
                    "and Sql/triggers/, one object per file; numbered migration scripts live in Migrations/Sql/.");
            }

            using var stream = assembly.GetManifestResourceStream(resource)!;
            using var reader = new StreamReader(stream);
            // A checkout with Windows line ends must not look like a changed definition.
            var sql = reader.ReadToEnd().ReplaceLineEndings("\n");
            var sha256 = Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(sql)));
            objects.Add(new SchemaObject(path[..^".sql".Length], kind, sql, sha256));
        }

        return [.. objects.OrderBy(o => o.Kind).ThenBy(o => o.Name, StringComparer.Ordinal)];
    }
}
