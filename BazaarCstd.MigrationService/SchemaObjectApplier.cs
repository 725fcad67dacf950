using BazaarCstd.Contracts;
using BazaarCstd.Data;
using Npgsql;

namespace BazaarCstd.MigrationService;

/// <summary>
/// Brings every function, view and trigger to the definition in its file under
/// <c>BazaarCstd.Data/Sql/</c> (<see cref="SchemaObjects"/>). Runs after the migrations, which create
/// the tables the objects use. A file is applied when its SHA-256 differs from the one recorded in
/// <c>bazaar.schema_objects</c> (or none is recorded), so an unchanged database applies nothing and an
/// edited file needs no migration. After migrations ran, every file is applied: a migration's script
/// may have replaced an object with an older definition (a fresh database's history does exactly that)
/// or dropped it with its table. Everything happens in one transaction: either every object due is
/// applied and recorded, or none is.
/// </summary>
public sealed class SchemaObjectApplier(NpgsqlDataSource database, ILogger<SchemaObjectApplier> logger)
{
    /// <summary>Applies the objects due; returns their names in the order applied.</summary>
    /// <param name="migrationsRan">Migrations were applied just before: apply every file, whatever its checksum.</param>
    public Task<IReadOnlyList<string>> ApplyAsync(bool migrationsRan, CancellationToken cancellationToken) =>
        ApplyAsync(SchemaObjects.All, migrationsRan, cancellationToken);

    public async Task<IReadOnlyList<string>> ApplyAsync(IReadOnlyList<SchemaObject> objects, bool migrationsRan, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenConnectionAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);

        // Two migrators started together take turns instead of racing to create the table or an object.
        // The bookkeeping table belongs to this applier, not to the EF model; the application has no
        // business in it (the schema's default privileges would otherwise let it write there).
        // check_function_bodies off, as pg_dump does: a SQL function that reads a view may then be
        // created before the view (functions come first, for the views and triggers that use them).
        await ExecuteAsync(connection, $"""
            SELECT pg_advisory_xact_lock(hashtext('bazaar.schema_objects'));
            SET LOCAL check_function_bodies = off;
            CREATE TABLE IF NOT EXISTS bazaar.schema_objects (
                name       text PRIMARY KEY,
                sha256     text NOT NULL,
                applied_at timestamptz NOT NULL DEFAULT now()
            );
            REVOKE ALL ON bazaar.schema_objects FROM {DatabaseRoles.Application};
            """, cancellationToken);

        var recorded = new Dictionary<string, string>(StringComparer.Ordinal);
        await using (var read = new NpgsqlCommand("SELECT name, sha256 FROM bazaar.schema_objects", connection))
        await using (var reader = await read.ExecuteReaderAsync(cancellationToken))
        {
            while (await reader.ReadAsync(cancellationToken))
            {
                recorded[reader.GetString(0)] = reader.GetString(1);
            }
        }

        var applied = new List<string>();
        foreach (var schemaObject in objects)
        {
            if (!migrationsRan && recorded.TryGetValue(schemaObject.Name, out var sha256) && sha256 == schemaObject.Sha256)
            {
                continue;
            }

            try
            {
                await ExecuteAsync(connection, schemaObject.Sql, cancellationToken);
            }
            catch (PostgresException ex)
            {
                throw new InvalidOperationException(
                    $"BazaarCstd.Data/Sql/{schemaObject.Name}.sql could not be applied (nothing was): {ex.MessageText}", ex);
            }

            await using var record = new NpgsqlCommand("""
                INSERT INTO bazaar.schema_objects (name, sha256) VALUES ($1, $2)
                ON CONFLICT (name) DO UPDATE SET sha256 = excluded.sha256, applied_at = now()
                """, connection);
            record.Parameters.Add(new NpgsqlParameter { Value = schemaObject.Name });
            record.Parameters.Add(new NpgsqlParameter { Value = schemaObject.Sha256 });
            await record.ExecuteNonQueryAsync(cancellationToken);
            applied.Add(schemaObject.Name);
        }

        // A file that was deleted: dropping the object is a migration's job (it is history); only the
        // record goes, so that a file of the same name added later is applied.
        var gone = recorded.Keys.Except(objects.Select(o => o.Name), StringComparer.Ordinal).Order(StringComparer.Ordinal).ToArray();
        if (gone.Length > 0)
        {
            await using var forget = new NpgsqlCommand("DELETE FROM bazaar.schema_objects WHERE name = ANY ($1)", connection);
            forget.Parameters.Add(new NpgsqlParameter { Value = gone });
            await forget.ExecuteNonQueryAsync(cancellationToken);
        }

        await transaction.CommitAsync(cancellationToken);

        if (applied.Count > 0)
        {
            logger.LogInformation("Applied {Count} schema object(s) from BazaarCstd.Data/Sql ({Reason}): {Objects}",
                applied.Count, migrationsRan ? "every file, as migrations ran" : "changed since last applied", string.Join(", ", applied));
        }
        else
        {
            logger.LogInformation("Schema objects are up to date: none of the {Count} files under BazaarCstd.Data/Sql changed", objects.Count);
        }

        if (gone.Length > 0)
        {
            logger.LogInformation("Forgot {Count} schema object(s) whose file is gone (a migration drops the object itself): {Objects}",
                gone.Length, string.Join(", ", gone));
        }

        return applied;
    }

    private static async Task ExecuteAsync(NpgsqlConnection connection, string sql, CancellationToken cancellationToken)
    {
        await using var command = new NpgsqlCommand(sql, connection);
        await command.ExecuteNonQueryAsync(cancellationToken);
    }
}
