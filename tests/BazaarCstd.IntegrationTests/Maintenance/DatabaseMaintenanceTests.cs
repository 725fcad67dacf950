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
    public async Task Old_event_months_are_dropped_once_all_their_events_are_published()
    {
        await using var db = await OpenAsync();
        var current = await EventPartitionsEndingAfterNowAsync(db);
        Assert.NotEmpty(current);

        // A month two years ago, far older than the 90-day default retention, made with its published
        // rows in one transaction (the worker, every 2 s, would drop an empty old month at once).
        var published = await OldEventMonthAsync(db);

        await Eventually.IsTrueAsync(async () => !await PartitionExistsAsync(db, published),
            TimeSpan.FromSeconds(30), $"the worker to drop {published}, whose events are all published");

        // This month and the months ahead are the same tables as before (none dropped and made again).
        Assert.Equal(current, await EventPartitionsEndingAfterNowAsync(db));
    }

    [Fact]
    public async Task An_old_event_month_holding_an_unpublished_event_is_kept_with_a_warning_naming_it()
    {
        // The relay publishes every committed row within moments, so the unpublished event exists
        // only inside this transaction, where the retention function is called and then undone.
        await using var db = await OpenAsync();
        await using var connection = await db.OpenConnectionAsync();
        var notices = new List<string>();
        connection.Notice += (_, e) => notices.Add(e.Notice.MessageText);
        await using var transaction = await connection.BeginTransactionAsync();
        var month = await ScalarAsync<string>(connection, """
            SELECT format('inventory_events_y%sm%s', to_char(m, 'YYYY'), to_char(m, 'MM'))
            FROM (SELECT date_trunc('month', now() - interval '23 months') AS m) old
            """);
        await ScalarAsync<int>(connection, "SELECT bazaar.ensure_monthly_partitions('inventory_events', (now() - interval '23 months')::date, 1)");
        await ScalarAsync<int>(connection, """
            WITH e AS (
                INSERT INTO bazaar.inventory_events (type, payload, occurred_at, published_at)
                VALUES ('test.retention', '{}'::jsonb, date_trunc('month', now() - interval '23 months') + interval '1 day', now()),
                       ('test.retention', '{}'::jsonb, date_trunc('month', now() - interval '23 months') + interval '2 days', NULL)
                RETURNING 1)
            SELECT count(*)::int FROM e
            """);

        await ScalarAsync<int>(connection, "SELECT bazaar.drop_published_event_partitions(now() - interval '90 days')");

        Assert.Equal(2, await ScalarAsync<int>(connection, $"SELECT count(*)::int FROM bazaar.{month}"));
        Assert.Contains(notices, n => n.Contains(month, StringComparison.Ordinal));
        await transaction.RollbackAsync();
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

    [Fact]
    public async Task Inbox_rows_older_than_7_days_and_dead_letters_replayed_over_30_days_ago_are_deleted_and_the_rest_kept()
    {
        var consumer = $"maintenance-test-{Guid.NewGuid():N}";
        await using var db = await OpenAsync();
        await ExecuteAsync(db, """
            INSERT INTO bazaar.processed_events (consumer, event_id, processed_at)
            VALUES ($1, 1, now() - interval '8 days'),
                   ($1, 2, now() - interval '6 days')
            """, consumer);
        await ExecuteAsync(db, """
            INSERT INTO bazaar.dead_letters (message_id, exchange, routing_key, queue, reason, headers, body, dead_lettered_at, replayed_at)
            VALUES ($1 || '/replayed-long-ago', 'bazaar.inventory', 'stock.changed', 'test', 'rejected', '{}', '\x00', now() - interval '40 days', now() - interval '31 days'),
                   ($1 || '/replayed-lately', 'bazaar.inventory', 'stock.changed', 'test', 'rejected', '{}', '\x00', now() - interval '40 days', now() - interval '29 days'),
                   ($1 || '/never-replayed', 'bazaar.inventory', 'stock.changed', 'test', 'rejected', '{}', '\x00', now() - interval '60 days', NULL)
            """, consumer);
        try
        {
            await Eventually.IsTrueAsync(
                async () => !await InboxHasAsync(db, consumer, 1) && (await DeadLettersAsync(db, consumer)).Count < 3,
                TimeSpan.FromSeconds(30), "the worker to delete the inbox row from 8 days ago and the dead letter replayed 31 days ago");

            // The same DELETEs judged the other rows.
            Assert.True(await InboxHasAsync(db, consumer, 2), "The inbox row from 6 days ago must stay.");
            Assert.Equal(
                [$"{consumer}/never-replayed", $"{consumer}/replayed-lately"],
                await DeadLettersAsync(db, consumer));
        }
        finally
        {
            await ExecuteAsync(db, "DELETE FROM bazaar.processed_events WHERE consumer = $1", consumer);
            await ExecuteAsync(db, "DELETE FROM bazaar.dead_letters WHERE message_id LIKE $1 || '/%'", consumer);
        }
    }

    private static async Task<bool> InboxHasAsync(NpgsqlDataSource db, string consumer, long eventId)
    {
        await using var command = db.CreateCommand("SELECT EXISTS (SELECT 1 FROM bazaar.processed_events WHERE consumer = $1 AND event_id = $2)");
        command.Parameters.Add(new NpgsqlParameter { Value = consumer });
        command.Parameters.Add(new NpgsqlParameter { Value = eventId });
        return (bool)(await command.ExecuteScalarAsync())!;
    }

    private static async Task<List<string>> DeadLettersAsync(NpgsqlDataSource db, string consumer)
    {
        await using var command = db.CreateCommand("SELECT message_id FROM bazaar.dead_letters WHERE message_id LIKE $1 || '/%' ORDER BY message_id");
        command.Parameters.Add(new NpgsqlParameter { Value = consumer });
        var ids = new List<string>();
        await using var reader = await command.ExecuteReaderAsync();
        while (await reader.ReadAsync())
        {
            ids.Add(reader.GetString(0));
        }

        return ids;
    }

    private Task WorkerLogsAsync(string text, TimeSpan deadline) => ResourceLogs.WaitForLineAsync(fixture.App,
        fixture.App.Services.GetRequiredService<DistributedApplicationModel>().Resources.Single(r => r.Name == ResourceNames.Worker), text, deadline);

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

    /// <summary>
    /// Makes the months 24 and 23 months ago as owner, as the worker would (same function, names and
    /// bounds), the first holding one published event, the second a published and an unpublished one.
    /// </summary>
    private static async Task<string> OldEventMonthAsync(NpgsqlDataSource db)
    {
        await using var connection = await db.OpenConnectionAsync();
        await using var transaction = await connection.BeginTransactionAsync();
        await ScalarAsync<int>(connection, "SELECT bazaar.ensure_monthly_partitions('inventory_events', (now() - interval '2 years')::date, 1)");
        await ScalarAsync<int>(connection, """
            WITH e AS (
                INSERT INTO bazaar.inventory_events (type, payload, occurred_at, published_at)
                SELECT 'test.retention', '{}'::jsonb, m + at, m + at
                FROM (SELECT date_trunc('month', now() - interval '2 years') AS m) first_month,
                     (VALUES (interval '1 day'), (interval '2 days')) AS events(at)
                RETURNING 1)
            SELECT count(*)::int FROM e
            """);
        var name = await ScalarAsync<string>(connection, """
            SELECT format('inventory_events_y%sm%s', to_char(m, 'YYYY'), to_char(m, 'MM'))
            FROM (SELECT date_trunc('month', now() - interval '2 years') AS m) first_month
            """);
        await transaction.CommitAsync();
        return name;
    }

    /// <summary>The partitions of inventory_events whose months end after now, by oid: ids change if one is dropped and made again.</summary>
    private static async Task<List<uint>> EventPartitionsEndingAfterNowAsync(NpgsqlDataSource db)
    {
        await using var command = db.CreateCommand("""
            SELECT c.oid
            FROM pg_inherits i JOIN pg_class c ON c.oid = i.inhrelid
            WHERE i.inhparent = 'bazaar.inventory_events'::regclass
              AND substring(pg_get_expr(c.relpartbound, c.oid) FROM $$TO \('([^']+)'\)$$)::timestamptz > now()
            ORDER BY c.oid
            """);
        var oids = new List<uint>();
        await using var reader = await command.ExecuteReaderAsync();
        while (await reader.ReadAsync())
        {
            oids.Add(reader.GetFieldValue<uint>(0));
        }

        return oids;
    }

    private static async Task<bool> PartitionExistsAsync(NpgsqlDataSource db, string partition)
    {
        await using var command = db.CreateCommand("SELECT to_regclass('bazaar.' || $1) IS NOT NULL");
        command.Parameters.Add(new NpgsqlParameter { Value = partition });
        return (bool)(await command.ExecuteScalarAsync())!;
    }

    private static async Task<T> ScalarAsync<T>(NpgsqlDataSource db, string sql)
    {
        await using var command = db.CreateCommand(sql);
        return (T)(await command.ExecuteScalarAsync())!;
    }

    /// <summary>On an open connection, inside its transaction if one is open.</summary>
    private static async Task<T> ScalarAsync<T>(NpgsqlConnection connection, string sql)
    {
        await using var command = new NpgsqlCommand(sql, connection);
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
