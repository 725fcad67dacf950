using BazaarCstd.Contracts;
using BazaarCstd.IntegrationTests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;

namespace BazaarCstd.IntegrationTests.Maintenance;

/// <summary>
/// What the worker's database maintenance leaves behind for an operator to see. The test AppHost
/// runs it every 2 seconds (<see cref="AppHostRunner"/>) instead of hourly.
/// </summary>
[Collection(BazaarAppCollection.Name)]
public sealed class DatabaseMaintenanceTests(BazaarAppFixture fixture)
{
    [Theory]
    [InlineData("stock_movements")]
    [InlineData("audit_logs")]
    [InlineData("inventory_events")]
    public async Task The_worker_keeps_partitions_from_this_month_through_three_months_ahead(string table)
    {
        // A sale writes a movement, an audit row and an outbox event: a month missing in any of the
        // three refuses every sale. The migrations made these months too, so the furthest one (empty:
        // nothing is written three months ahead) is dropped here and the worker must put it back.
        await WorkerLogsAsync("Movement, audit and event partitions ensured", TimeSpan.FromSeconds(30));
        await using var db = await OpenAsync();
        var furthest = await ScalarAsync<string>(db, $"""
            SELECT format('{table}_y%sm%s', to_char(m, 'YYYY'), to_char(m, 'MM'))
            FROM (SELECT date_trunc('month', now()) + interval '3 months' AS m) ahead
            """);
        await db.CreateCommand($"DROP TABLE bazaar.{furthest}").ExecuteNonQueryAsync(); // fails if it was not there

        await Eventually.IsTrueAsync(async () => (await UncoveredMonthsAsync(db, table)).Count == 0,
            TimeSpan.FromSeconds(30), $"the worker to partition {table} from this month through three months ahead again");
    }

    [Fact]
    public async Task Idempotency_keys_older_than_a_day_are_deleted_and_younger_ones_kept()
    {
        var scope = $"maintenance-test-{Guid.NewGuid():N}";
        await using var db = await OpenAsync();
        await ExecuteAsync(db, """
            INSERT INTO bazaar.idempotency_keys (scope, key, request_hash, created_at)
            VALUES ($1, 'expired', 'test', now() - interval '25 hours'),
                   ($1, 'kept', 'test', now() - interval '23 hours')
            """, scope);
        try
        {
            await Eventually.IsTrueAsync(async () => !await KeyExistsAsync(db, scope, "expired"),
                TimeSpan.FromSeconds(30), "the worker to delete the idempotency key created 25 hours ago");

            // Both rows were judged by the same DELETE, so the younger one is known to have stayed.
            Assert.True(await KeyExistsAsync(db, scope, "kept"));
        }
        finally
        {
            await ExecuteAsync(db, "DELETE FROM bazaar.idempotency_keys WHERE scope = $1", scope);
        }
    }

    private async Task WorkerLogsAsync(string text, TimeSpan deadline)
    {
        var worker = fixture.App.Services.GetRequiredService<DistributedApplicationModel>().Resources
            .Single(r => r.Name == ResourceNames.Worker);
        using var timeout = new CancellationTokenSource(deadline);
        try
        {
            // Replays the backlog, then follows new lines.
            await foreach (var batch in fixture.App.Services.GetRequiredService<ResourceLoggerService>()
                .WatchAsync(worker).WithCancellation(timeout.Token))
            {
                if (batch.Any(line => line.Content.Contains(text, StringComparison.Ordinal)))
                {
                    return;
                }
            }
        }
        catch (OperationCanceledException) when (timeout.IsCancellationRequested)
        {
        }

        throw new TimeoutException($"The worker did not log \"{text}\" within {deadline.TotalSeconds:0} s.");
    }

    /// <summary>
    /// Months from this one through three ahead (in the server's time zone, as the partitions are
    /// made) that no partition of <paramref name="table"/> fully covers. Read from the catalog's
    /// bounds, not from partition names.
    /// </summary>
    private static async Task<List<string>> UncoveredMonthsAsync(NpgsqlDataSource db, string table)
    {
        await using var command = db.CreateCommand("""
            WITH parts AS (
                SELECT substring(pg_get_expr(c.relpartbound, c.oid) FROM $$FROM \('([^']+)'\)$$)::timestamptz AS lower_bound,
                       substring(pg_get_expr(c.relpartbound, c.oid) FROM $$TO \('([^']+)'\)$$)::timestamptz AS upper_bound
                FROM pg_inherits i
                JOIN pg_class c ON c.oid = i.inhrelid
                WHERE i.inhparent = ('bazaar.' || $1)::regclass)
            SELECT to_char(m, 'YYYY-MM')
            FROM generate_series(date_trunc('month', now()), date_trunc('month', now()) + interval '3 months', interval '1 month') AS m
            WHERE NOT EXISTS (SELECT 1 FROM parts WHERE lower_bound <= m AND upper_bound >= m + interval '1 month')
            ORDER BY m
            """);
        command.Parameters.Add(new NpgsqlParameter { Value = table });
        var uncovered = new List<string>();
        await using var reader = await command.ExecuteReaderAsync();
        while (await reader.ReadAsync())
        {
            uncovered.Add(reader.GetString(0));
        }

        return uncovered;
    }

    private static async Task<T> ScalarAsync<T>(NpgsqlDataSource db, string sql)
    {
        await using var command = db.CreateCommand(sql);
        return (T)(await command.ExecuteScalarAsync())!;
    }

    private async Task<NpgsqlDataSource> OpenAsync() =>
        NpgsqlDataSource.Create(await fixture.App.GetConnectionStringAsync(ResourceNames.BazaarDb)
            ?? throw new InvalidOperationException($"No connection string for {ResourceNames.BazaarDb}."));

    private static async Task<bool> KeyExistsAsync(NpgsqlDataSource db, string scope, string key)
    {
        await using var command = db.CreateCommand("SELECT EXISTS (SELECT 1 FROM bazaar.idempotency_keys WHERE scope = $1 AND key = $2)");
        command.Parameters.Add(new NpgsqlParameter { Value = scope });
        command.Parameters.Add(new NpgsqlParameter { Value = key });
        return (bool)(await command.ExecuteScalarAsync())!;
    }

    private static async Task ExecuteAsync(NpgsqlDataSource db, string sql, string scope)
    {
        await using var command = db.CreateCommand(sql);
        command.Parameters.Add(new NpgsqlParameter { Value = scope });
        await command.ExecuteNonQueryAsync();
    }
}
