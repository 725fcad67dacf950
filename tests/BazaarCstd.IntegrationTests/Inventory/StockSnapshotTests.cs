using System.Diagnostics;
using System.Net.Http.Json;
using BazaarCstd.Contracts;
using BazaarCstd.Contracts.Stock;
using BazaarCstd.IntegrationTests.Infrastructure;
using Npgsql;

namespace BazaarCstd.IntegrationTests.Inventory;

/// <summary>
/// Stock as of an instant comes from the Worker's snapshots plus the movements since (the test apps
/// build them every 5 s for every shelf with 20 movements since its last one), and stays exact when
/// late history (a movement dated before a snapshot) arrives, many at once; a read the database
/// cannot finish within the read statement timeout is a 503 problem.
/// </summary>
[Collection(BazaarAppCollection.Name)]
public sealed class StockSnapshotTests(BazaarAppFixture fixture)
{
    private readonly InventoryApi _api = new(fixture);

    [Fact]
    public async Task Stock_as_of_any_instant_stays_exact_when_late_history_arrives_in_parallel_after_the_snapshots()
    {
        var store = await _api.NewStoreAsync();
        var product = await _api.NewProductAsync();
        // Whole seconds: PostgreSQL keeps microseconds, and rounds a 7th digit in JSON where Npgsql
        // truncates a parameter's, so an asOf at a movement's own instant could miss it by 100 ns.
        var now = DateTimeOffset.UtcNow;
        var start = new DateTimeOffset(now.Year, now.Month, now.Day, now.Hour, now.Minute, now.Second, TimeSpan.Zero).AddDays(-3);
        var written = new List<(DateTimeOffset At, decimal Delta)>();

        // Three days of history, written now: 100 deliveries of 2 and 100 sales of 1, 36 minutes apart.
        var deliveries = Enumerable.Range(0, 100).Select(i => (At: start.AddMinutes(36 * i), Delta: 2m)).ToList();
        var sales = Enumerable.Range(0, 100).Select(i => (At: start.AddMinutes(36 * i + 12), Delta: -1m)).ToList();
        await BatchAsync(store.Id, product.Id, "stock_in", deliveries);
        await BatchAsync(store.Id, product.Id, "sale", sales);
        written.AddRange(deliveries);
        written.AddRange(sales);

        await using var db = NpgsqlDataSource.Create((await fixture.App.GetConnectionStringAsync(ResourceNames.BazaarDb))!);
        var before = await Eventually.ReturnsAsync(async () =>
            await SnapshotsAsync(db, store.Id, product.Id) is { Count: >= 3 } rows ? rows : null,
            TimeSpan.FromSeconds(60), "the Worker to snapshot the shelf's history");

        // Late history: 40 deliveries dated between the start and an hour ago, all at once.
        var random = new Random(13);
        var late = Enumerable.Range(0, 40)
            .Select(_ => (At: start.AddMinutes(random.Next(0, 69 * 60)), Delta: 1m))
            .ToList();
        Assert.Contains(late, l => l.At < before[^1].At); // some land before existing snapshots
        var statuses = await AllAtOnce.RunAsync(late, async l =>
        {
            using var response = await _api.Http.PostAsJsonAsync("/api/stock/add",
                new MovementRequest(store.Id, product.Id, null, l.Delta, OccurredAt: l.At));
            return response.StatusCode;
        });
        Assert.All(statuses, s => Assert.Equal(HttpStatusCode.Created, s));
        written.AddRange(late);

        // Every 3 hours from before the first movement to now, and now.
        var instants = Enumerable.Range(-1, 26).Select(h => start.AddHours(3 * h)).Append(DateTimeOffset.UtcNow).ToList();
        var timer = Stopwatch.StartNew();
        foreach (var at in instants)
        {
            var expected = written.Where(w => w.At <= at).Sum(w => w.Delta);
            Assert.Equal((at, expected), (at, await _api.OnHandAsync(store.Id, product.Id, at)));
        }

        var after = await SnapshotsAsync(db, store.Id, product.Id);
        Assert.All(after, s => Assert.Equal((s.At, written.Where(w => w.At < s.At).Sum(w => w.Delta)), (s.At, s.OnHand)));
        Assert.Equal(0, await _api.InconsistentLevelsAsync());
        Assert.True(timer.Elapsed < TimeSpan.FromSeconds(20), $"{instants.Count} asOf reads took {timer.Elapsed.TotalSeconds:0.0} s");
    }

    [Fact]
    public async Task A_read_the_database_cannot_finish_in_time_is_a_503_problem_and_the_next_one_answers()
    {
        var store = await _api.NewStoreAsync();
        var product = await _api.NewProductAsync();
        await _api.AddStockAsync(store.Id, product.Id, 3);

        // An operator's ACCESS EXCLUSIVE lock on the thresholds table, which every stock read joins,
        // held longer than the read timeout. The replica replays the lock too: the read is sent once
        // it has, so it blocks wherever it is served. asOf: a read no cache answers.
        await using var db = NpgsqlDataSource.Create((await fixture.App.GetConnectionStringAsync(ResourceNames.BazaarDb))!);
        await using var replica = NpgsqlDataSource.Create((await fixture.App.GetConnectionStringAsync(ResourceNames.BazaarDbReadOnly))!);
        var timer = Stopwatch.StartNew();
        await using (var connection = await db.OpenConnectionAsync())
        await using (var transaction = await connection.BeginTransactionAsync())
        {
            await using (var lockTable = new NpgsqlCommand("LOCK TABLE bazaar.stock_thresholds IN ACCESS EXCLUSIVE MODE", connection, transaction))
            {
                await lockTable.ExecuteNonQueryAsync();
            }

            await using (var position = new NpgsqlCommand("SELECT pg_current_wal_insert_lsn()::text", connection, transaction))
            {
                var locked = (string)(await position.ExecuteScalarAsync())!;
                await Eventually.IsTrueAsync(async () =>
                {
                    await using var replayed = replica.CreateCommand("SELECT pg_last_wal_replay_lsn() >= $1::pg_lsn");
                    replayed.Parameters.Add(new NpgsqlParameter { Value = locked });
                    return (bool)(await replayed.ExecuteScalarAsync())!;
                }, TimeSpan.FromSeconds(10), "the replica to replay the lock");
            }

            timer.Restart();
            var now = Uri.EscapeDataString(DateTimeOffset.UtcNow.ToString("O"));
            using var response = await _api.Http.GetAsync($"/api/stock/current?storeId={store.Id}&asOf={now}");
            var problem = await InventoryApi.AssertProblem(response, HttpStatusCode.ServiceUnavailable);
            Assert.EndsWith("/read-timeout", problem.GetProperty("type").GetString());
            Assert.NotNull(response.Headers.RetryAfter);
            await transaction.RollbackAsync();
        }

        Assert.InRange(timer.Elapsed, TimeSpan.FromSeconds(4.5), TimeSpan.FromSeconds(15));
        Assert.Equal(3m, await _api.OnHandAsync(store.Id, product.Id));
    }

    private async Task BatchAsync(Guid storeId, Guid productId, string kind, IEnumerable<(DateTimeOffset At, decimal Delta)> lines)
    {
        var body = new BatchRequest([.. lines.Select(l => new BatchLine(kind, storeId, productId, null, Math.Abs(l.Delta), OccurredAt: l.At))]);
        using var response = await _api.Http.PostAsJsonAsync("/api/stock/batch", body);
        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
    }

    private static async Task<List<(DateTimeOffset At, decimal OnHand)>> SnapshotsAsync(NpgsqlDataSource db, Guid storeId, Guid productId)
    {
        await using var command = db.CreateCommand(
            "SELECT at, on_hand FROM bazaar.stock_snapshots WHERE store_id = $1 AND product_id = $2 ORDER BY at");
        command.Parameters.Add(new NpgsqlParameter { Value = storeId });
        command.Parameters.Add(new NpgsqlParameter { Value = productId });
        var rows = new List<(DateTimeOffset, decimal)>();
        await using var reader = await command.ExecuteReaderAsync();
        while (await reader.ReadAsync())
        {
            rows.Add((reader.GetFieldValue<DateTimeOffset>(0), reader.GetDecimal(1)));
        }

        return rows;
    }
}
