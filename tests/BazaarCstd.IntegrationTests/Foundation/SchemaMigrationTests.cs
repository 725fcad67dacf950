using BazaarCstd.Contracts;
using BazaarCstd.Data;
using BazaarCstd.IntegrationTests.Infrastructure;
using BazaarCstd.MigrationService;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;
using Npgsql;

namespace BazaarCstd.IntegrationTests.Foundation;

/// <summary>
/// What the migrations resource does to the shared app's fresh database, as an operator sees it: a
/// clean log, and every function, view and trigger as its file under <c>BazaarCstd.Data/Sql/</c>
/// defines it — applied again when the file changes.
/// </summary>
[Collection(BazaarAppCollection.Name)]
public sealed class SchemaMigrationTests(BazaarAppFixture fixture)
{
    [Fact]
    public async Task A_fresh_database_is_migrated_without_an_error_in_the_logs()
    {
        var migrations = await LogAsync(ResourceNames.Migrations);
        var postgres = await LogAsync(ResourceNames.Postgres);

        // EF's probe of its history table used to fail (and be logged as an error) on a fresh database.
        var errors = migrations.Where(line => line.Contains("fail:", StringComparison.Ordinal) || line.Contains("crit:", StringComparison.Ordinal))
            .Concat(postgres.Where(line => line.Contains("__ef_migrations_history", StringComparison.Ordinal)))
            .ToList();
        Assert.True(errors.Count == 0, $"Errors logged while migrating:{Environment.NewLine}{string.Join(Environment.NewLine, errors)}");
        Assert.Contains(migrations, line => line.Contains($"Applied {SchemaObjects.All.Count} schema object(s)", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Every_function_view_and_trigger_file_is_applied_as_written()
    {
        await using var database = await OwnerAsync();
        var recorded = await RecordedAsync(database);

        Assert.Equal(
            SchemaObjects.All.Select(o => $"{o.Name} {o.Sha256}").Order(StringComparer.Ordinal),
            recorded.Select(r => $"{r.Key} {r.Value}").Order(StringComparer.Ordinal));
    }

    [Fact]
    public async Task An_object_whose_file_changed_is_applied_again_and_nothing_else()
    {
        // The database holds an older definition and a checksum that is not the file's: how a
        // database looks to the migrations after someone edited the file.
        var changed = SchemaObjects.All.Single(o => o.Name == "functions/reject_audit_change");
        await using var database = await OwnerAsync();
        var applier = new SchemaObjectApplier(database, NullLogger<SchemaObjectApplier>.Instance);
        await database.CreateCommand("""
            CREATE OR REPLACE FUNCTION bazaar.reject_audit_change() RETURNS trigger LANGUAGE plpgsql AS $$
            BEGIN
                RAISE EXCEPTION 'an older definition' USING ERRCODE = 'BZ901';
            END $$;
            UPDATE bazaar.schema_objects SET sha256 = 'older' WHERE name = 'functions/reject_audit_change';
            """).ExecuteNonQueryAsync();
        try
        {
            Assert.Equal([changed.Name], await applier.ApplyAsync(migrationsRan: false, CancellationToken.None));

            var definition = (string)(await database.CreateCommand(
                "SELECT pg_get_functiondef('bazaar.reject_audit_change()'::regprocedure)").ExecuteScalarAsync())!;
            Assert.Contains("audit log rows cannot be changed or deleted", definition, StringComparison.Ordinal);
            Assert.Equal(changed.Sha256, (await RecordedAsync(database))[changed.Name]);

            // An unchanged database applies nothing.
            Assert.Empty(await applier.ApplyAsync(migrationsRan: false, CancellationToken.None));
        }
        finally
        {
            // Whatever happened above, the shared app keeps the real definition and its record.
            await database.CreateCommand(changed.Sql).ExecuteNonQueryAsync();
            await using var record = database.CreateCommand("UPDATE bazaar.schema_objects SET sha256 = $1 WHERE name = $2");
            record.Parameters.Add(new NpgsqlParameter { Value = changed.Sha256 });
            record.Parameters.Add(new NpgsqlParameter { Value = changed.Name });
            await record.ExecuteNonQueryAsync();
        }
    }

    private async Task<NpgsqlDataSource> OwnerAsync() =>
        NpgsqlDataSource.Create(await fixture.App.GetConnectionStringAsync(ResourceNames.BazaarDb)
            ?? throw new InvalidOperationException($"No connection string for {ResourceNames.BazaarDb}."));

    private static async Task<Dictionary<string, string>> RecordedAsync(NpgsqlDataSource database)
    {
        var recorded = new Dictionary<string, string>(StringComparer.Ordinal);
        await using var command = database.CreateCommand("SELECT name, sha256 FROM bazaar.schema_objects");
        await using var reader = await command.ExecuteReaderAsync();
        while (await reader.ReadAsync())
        {
            recorded[reader.GetString(0)] = reader.GetString(1);
        }

        return recorded;
    }

    /// <summary>Every line a resource has logged so far (all its replicas).</summary>
    private async Task<List<string>> LogAsync(string resourceName)
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        var lines = new List<string>();
        foreach (var instance in await fixture.Runner.InstancesAsync(resourceName, cancellationToken: timeout.Token))
        {
            await foreach (var batch in fixture.App.Services.GetRequiredService<ResourceLoggerService>()
                .GetAllAsync(instance).WithCancellation(timeout.Token))
            {
                lines.AddRange(batch.Select(line => line.Content));
            }
        }

        return lines;
    }
}
