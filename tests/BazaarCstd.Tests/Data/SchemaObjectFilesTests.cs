using System.Reflection;
using System.Text.RegularExpressions;
using BazaarCstd.Data;
using Microsoft.EntityFrameworkCore.Migrations;
using Microsoft.EntityFrameworkCore.Migrations.Operations;

namespace BazaarCstd.Tests.Data;

/// <summary>
/// The current definition of every function, view and trigger is one file under
/// <c>BazaarCstd.Data/Sql/</c>, named after it (see the README there). These fail when a migration
/// creates an object without giving it a file, or a file would not replace the object it is named after.
/// </summary>
public sealed partial class SchemaObjectFilesTests
{
    [Fact]
    public void Every_function_view_and_trigger_the_migrations_create_has_a_file()
    {
        var files = SchemaObjects.All.Select(o => o.Name).ToHashSet(StringComparer.Ordinal);
        var created = ObjectsTheMigrationsLeave();

        var missing = created.Where(name => !files.Contains(name)).Order(StringComparer.Ordinal).ToList();
        Assert.True(missing.Count == 0,
            $"Created by a migration but without a file under BazaarCstd.Data/Sql/: {string.Join(", ", missing)}. " +
            "Put each one's current definition (CREATE OR REPLACE …) in <folder>/<name>.sql; see BazaarCstd.Data/Sql/README.md.");
        Assert.Contains("functions/record_movements", created); // the parsing below still finds what it should
    }

    [Fact]
    public void Every_file_replaces_exactly_the_object_it_is_named_after()
    {
        Assert.NotEmpty(SchemaObjects.All);
        foreach (var schemaObject in SchemaObjects.All)
        {
            var sql = WithoutComments(schemaObject.Sql);
            var name = schemaObject.Name[(schemaObject.Name.IndexOf('/', StringComparison.Ordinal) + 1)..];
            var expected = schemaObject.Kind switch
            {
                SchemaObjectKind.Function => $@"CREATE\s+OR\s+REPLACE\s+(FUNCTION|PROCEDURE)\s+bazaar\.{name}\s*\(",
                SchemaObjectKind.View => $@"CREATE\s+OR\s+REPLACE\s+VIEW\s+bazaar\.{name}\b",
                _ => $@"CREATE\s+OR\s+REPLACE\s+TRIGGER\s+{name.Split('.')[1]}\s[^;]*?\bON\s+bazaar\.{name.Split('.')[0]}\b",
            };

            Assert.True(Regex.IsMatch(sql, expected, RegexOptions.IgnoreCase),
                $"Sql/{schemaObject.Name}.sql should define that object with CREATE OR REPLACE (it is applied again whenever it changes).");
            Assert.True(ObjectStatement().Matches(sql).Count == 1,
                $"Sql/{schemaObject.Name}.sql should hold one object; give each function, view and trigger its own file.");
            Assert.False(CreateWithoutReplace().IsMatch(sql),
                $"Sql/{schemaObject.Name}.sql has a CREATE without OR REPLACE, which fails the second time it is applied.");
        }
    }

    [Fact]
    public void Functions_are_applied_before_the_views_and_triggers_that_use_them()
    {
        var kinds = SchemaObjects.All.Select(o => o.Kind).ToList();
        Assert.Equal(kinds.Order(), kinds);
    }

    /// <summary>
    /// Replays the SQL of every migration's Up, in migration order, keeping the functions, views and
    /// triggers created and not dropped since: what the history alone leaves in the database.
    /// </summary>
    private static HashSet<string> ObjectsTheMigrationsLeave()
    {
        var migrations = typeof(BazaarDbContext).Assembly.GetTypes()
            .Where(type => type.IsSubclassOf(typeof(Migration)) && !type.IsAbstract)
            .Select(type => (Id: type.GetCustomAttribute<MigrationAttribute>()!.Id, Type: type))
            .OrderBy(migration => migration.Id, StringComparer.Ordinal);

        var objects = new HashSet<string>(StringComparer.Ordinal);
        foreach (var (_, type) in migrations)
        {
            var migration = (Migration)Activator.CreateInstance(type)!;
            foreach (var operation in migration.UpOperations.OfType<SqlOperation>())
            {
                foreach (Match statement in HistoryStatement().Matches(WithoutComments(operation.Sql)))
                {
                    Replay(statement, objects);
                }
            }
        }

        return objects;
    }

    private static void Replay(Match statement, HashSet<string> objects)
    {
        var kind = statement.Groups["kind"].Value.ToUpperInvariant();
        var folder = kind == "VIEW" ? "views" : "functions";
        if (statement.Groups["create"].Success)
        {
            objects.Add(statement.Groups["trigger"].Success
                ? $"triggers/{statement.Groups["table"].Value}.{statement.Groups["trigger"].Value}"
                : $"{folder}/{statement.Groups["name"].Value}");
        }
        else if (statement.Groups["droptrigger"].Success)
        {
            objects.Remove($"triggers/{statement.Groups["table"].Value}.{statement.Groups["trigger"].Value}");
        }
        else if (statement.Groups["droptable"].Success)
        {
            // A dropped table takes its triggers with it.
            foreach (Match table in QualifiedName().Matches(statement.Groups["list"].Value))
            {
                objects.RemoveWhere(name => name.StartsWith($"triggers/{table.Groups[1].Value}.", StringComparison.Ordinal));
            }
        }
        else
        {
            foreach (Match dropped in QualifiedName().Matches(statement.Groups["list"].Value))
            {
                objects.Remove($"{folder}/{dropped.Groups[1].Value}");
            }
        }
    }

    private static string WithoutComments(string sql) => LineComment().Replace(sql, "");

    [GeneratedRegex(@"--[^\n]*")]
    private static partial Regex LineComment();

    [GeneratedRegex(@"\bbazaar\.(\w+)", RegexOptions.IgnoreCase)]
    private static partial Regex QualifiedName();

    [GeneratedRegex(@"\bCREATE\s+OR\s+REPLACE\s+(FUNCTION|PROCEDURE|VIEW|TRIGGER)\b", RegexOptions.IgnoreCase)]
    private static partial Regex ObjectStatement();

    [GeneratedRegex(@"\bCREATE\s+(?!OR\s+REPLACE\b)(FUNCTION|PROCEDURE|VIEW|TRIGGER)\b", RegexOptions.IgnoreCase)]
    private static partial Regex CreateWithoutReplace();

    [GeneratedRegex(
        @"(?<create>\bCREATE\s+(?:OR\s+REPLACE\s+)?(?<kind>FUNCTION|VIEW)\s+bazaar\.(?<name>\w+))" +
        @"|(?<create>\bCREATE\s+(?:OR\s+REPLACE\s+)?TRIGGER\s+(?<trigger>\w+)\s[^;]*?\bON\s+bazaar\.(?<table>\w+))" +
        @"|(?<droptrigger>\bDROP\s+TRIGGER\s+(?:IF\s+EXISTS\s+)?(?<trigger>\w+)\s+ON\s+bazaar\.(?<table>\w+))" +
        @"|(?<droptable>\bDROP\s+TABLE\s+(?<list>[^;]+))" +
        @"|(?<drop>\bDROP\s+(?<kind>FUNCTION|VIEW)\s+(?<list>[^;]+))",
        RegexOptions.IgnoreCase)]
    private static partial Regex HistoryStatement();
}
