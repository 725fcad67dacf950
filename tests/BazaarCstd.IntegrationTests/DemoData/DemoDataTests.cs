using System.Net.Http.Json;
using BazaarCstd.Contracts;
using BazaarCstd.Contracts.Catalog;
using BazaarCstd.Contracts.Stock;
using BazaarCstd.Contracts.Stores;
using BazaarCstd.IntegrationTests.Infrastructure;
using BazaarCstd.MigrationService.DemoData;
using Microsoft.Extensions.Logging.Abstractions;
using Npgsql;
using Xunit.Abstractions;

namespace BazaarCstd.IntegrationTests.DemoData;

/// <summary>
/// The app as <c>./run.sh</c> starts it: with <c>Bazaar:SeedDemoData=true</c> the migrations seed a
/// believable chain, written through the same ledger function as the API.
/// </summary>
[Collection(DemoAppCollection.Name)]
public sealed class DemoDataTests(DemoAppFixture fixture, ITestOutputHelper output)
{
    private readonly HttpClient _http = fixture.CreateApiClient();

    [Fact]
    public async Task The_chain_has_twenty_stores_and_a_catalog_of_real_looking_products()
    {
        var stores = await DemoStoresAsync();
        Assert.Equal(20, stores.Count);
        Assert.All(stores, s => Assert.StartsWith("Europe/", s.Timezone));
        Assert.All(stores, s => Assert.False(string.IsNullOrWhiteSpace(s.Address)));

        var products = await AllAsync<Product>("/api/products?limit=500");
        Assert.True(products.Count >= 250, $"{products.Count} products.");
        Assert.Contains(products, p => p.Sku == "BEV-0001");
        Assert.True(products.Select(p => p.Category).Distinct().Count() >= 10);
        Assert.Contains(products, p => p.Unit == "kg");
        Assert.Contains(products, p => p.Unit == "pack");
    }

    [Fact]
    public async Task Every_store_has_the_stock_the_generator_predicts()
    {
        var stores = await DemoStoresAsync();
        var rows = await AllAsync<StockRow>("/api/stock/current?limit=500");
        var demoRows = rows.Where(r => r.StoreCode.StartsWith(DemoStores.CodePrefix, StringComparison.Ordinal)).ToList();
        Assert.True(demoRows.Select(r => r.StoreId).Distinct().Count() >= 15);

        // The history is a pure function of its start, which the stores carry as created_at.
        var chain = DemoChain.FromStart(stores.Single(s => s.Code == "DEMO-001").CreatedAt);
        var expected = chain.Histories
            .SelectMany(h => h.FinalOnHand.Select(kv => (h.Store.Id, ProductId: kv.Key, OnHand: kv.Value)))
            .OrderBy(x => x.Id).ThenBy(x => x.ProductId)
            .ToList();
        var actual = demoRows
            .Select(r => (Id: r.StoreId, r.ProductId, r.OnHand))
            .OrderBy(x => x.Id).ThenBy(x => x.ProductId)
            .ToList();
        Assert.Equal(expected, actual);
    }

    [Fact]
    public async Task Some_products_are_below_their_reorder_point_and_a_few_are_out()
    {
        var all = await AllAsync<StockRow>("/api/stock/current?limit=500");
        var low = await AllAsync<StockRow>("/api/stock/current?lowStock=true&limit=500");

        Assert.NotEmpty(low);
        Assert.All(low, r => Assert.True(r.OnHand <= r.ReorderPoint, $"{r.Sku} at {r.StoreCode}: {r.OnHand} > {r.ReorderPoint}"));
        Assert.Contains(low, r => r.OnHand == 0);
        Assert.Contains(low, r => r.OnHand > 0);
        Assert.True(low.Count < all.Count / 5, $"{low.Count} of {all.Count} rows are low: a demo should not be a sea of red.");
    }

    [Theory]
    [InlineData("stock_in")]
    [InlineData("sale")]
    [InlineData("removal")]
    [InlineData("count_adjustment")]
    public async Task The_history_holds_movements_of_every_kind(string kind)
    {
        var page = await _http.GetFromJsonAsync<Page<Movement>>($"/api/stock/movements?kind={kind}&limit=20");

        Assert.NotEmpty(page!.Items);
        Assert.All(page.Items, m => Assert.Equal(kind, m.Kind));
        Assert.All(page.Items, m => Assert.True(m.OccurredAt <= DateTimeOffset.UtcNow, $"movement {m.Id} is in the future"));
        Assert.All(page.Items, m => Assert.InRange(m.OccurredAt, DateTimeOffset.UtcNow.AddDays(-DemoChain.HistoryDays - 1), DateTimeOffset.UtcNow));
        if (kind == "removal")
        {
            Assert.All(page.Items, m => Assert.Contains(m.Reason, new[] { "expired", "damaged", "theft", "lost", "returned_to_supplier", "other" }));
        }
    }

    [Fact]
    public async Task Saturdays_sell_more_than_Mondays()
    {
        await using var db = NpgsqlDataSource.Create(await fixture.ConnectionStringAsync());
        await using var command = db.CreateCommand("""
            SELECT extract(isodow FROM m.occurred_at AT TIME ZONE s.timezone)::int AS weekday, sum(m.quantity)
            FROM bazaar.stock_movements m
            JOIN bazaar.stores s ON s.id = m.store_id
            JOIN bazaar.products p ON p.id = m.product_id
            WHERE m.kind = 'sale' AND p.unit IN ('each', 'pack') AND s.code LIKE 'DEMO-%'
            GROUP BY 1
            """);
        var units = new Dictionary<int, decimal>();
        await using (var reader = await command.ExecuteReaderAsync())
        {
            while (await reader.ReadAsync())
            {
                units[reader.GetInt32(0)] = reader.GetDecimal(1);
            }
        }

        Assert.True(units[6] > units[1] * 1.3m, $"Saturday {units[6]} units, Monday {units[1]}.");
    }

    [Fact]
    public async Task Stock_levels_agree_with_the_ledger()
    {
        await using var db = NpgsqlDataSource.Create(await fixture.ConnectionStringAsync());
        var mismatches = await db.CreateCommand("SELECT count(*) FROM bazaar.verify_stock_levels()").ExecuteScalarAsync();

        Assert.Equal(0L, mismatches);
    }

    [Fact]
    public async Task The_ledger_was_written_in_under_60_seconds()
    {
        // recorded_at is each document's transaction time: the spread is the time spent writing.
        await using var db = NpgsqlDataSource.Create(await fixture.ConnectionStringAsync());
        await using var command = db.CreateCommand("""
            SELECT count(*), extract(epoch FROM max(m.recorded_at) - min(m.recorded_at))::float8
            FROM bazaar.stock_movements m JOIN bazaar.stores s ON s.id = m.store_id
            WHERE s.code LIKE 'DEMO-%'
            """);
        await using var reader = await command.ExecuteReaderAsync();
        Assert.True(await reader.ReadAsync());
        var movements = reader.GetInt64(0);
        var seconds = reader.GetDouble(1);

        output.WriteLine($"{movements} demo movements written in {seconds:0.0} s ({movements / Math.Max(seconds, 0.001):0} per second).");
        if (fixture.App.ResourceNotifications.TryGetCurrentState(ResourceNames.Migrations, out var migrations)
            && migrations.Snapshot is { StartTimeStamp: { } started, StopTimeStamp: { } stopped })
        {
            output.WriteLine($"The migrations process (start, migrate, seed, exit) ran {(stopped - started).TotalSeconds:0.0} s.");
        }

        Assert.InRange(movements, 100_000, 250_000);
        Assert.True(seconds < 60, $"{movements} movements took {seconds:0.0} s to write.");
    }

    [Fact]
    public async Task Seeding_a_second_time_changes_nothing()
    {
        await using var db = NpgsqlDataSource.Create(await fixture.ConnectionStringAsync());
        var before = await CountsAsync(db);

        var seeder = new DemoDataSeeder(db, TimeProvider.System, NullLogger<DemoDataSeeder>.Instance);
        var result = await seeder.SeedAsync(CancellationToken.None);

        Assert.True(result.AlreadyComplete, $"The second seed wrote {result.DocumentsWritten} documents.");
        Assert.Equal(before, await CountsAsync(db));
    }

    private static async Task<(long Stores, long Products, long Movements)> CountsAsync(NpgsqlDataSource db)
    {
        await using var command = db.CreateCommand(
            "SELECT (SELECT count(*) FROM bazaar.stores), (SELECT count(*) FROM bazaar.products), (SELECT count(*) FROM bazaar.stock_movements)");
        await using var reader = await command.ExecuteReaderAsync();
        await reader.ReadAsync();
        return (reader.GetInt64(0), reader.GetInt64(1), reader.GetInt64(2));
    }

    [Theory]
    [InlineData("manager@bazaar.local", new[] { "DEMO-001", "DEMO-002", "DEMO-003" })]
    [InlineData("staff@bazaar.local", new[] { "DEMO-001" })]
    public async Task A_demo_account_sees_only_its_own_stores(string email, string[] codes)
    {
        using var http = fixture.Accounts.As(email, "Bazaar!Demo-2026");

        var stores = await AllAsync<Store>("/api/stores?limit=500", http);
        var rows = await AllAsync<StockRow>("/api/stock/current?limit=500", http);
        var movements = await http.GetFromJsonAsync<Page<Movement>>("/api/stock/movements?limit=500");

        Assert.Equal(codes, stores.Select(s => s.Code).Order());
        Assert.Equal(codes, rows.Select(r => r.StoreCode).Distinct().Order());
        var visible = stores.Select(s => s.Id).ToHashSet();
        Assert.NotEmpty(movements!.Items);
        Assert.All(movements.Items, m => Assert.Contains(m.StoreId, visible));

        // Another store's inventory is "not found", not "forbidden": its existence does not leak.
        var other = (await DemoStoresAsync()).First(s => !codes.Contains(s.Code));
        using var hidden = await http.GetAsync($"/api/stores/{other.Id}/inventory");
        Assert.Equal(HttpStatusCode.NotFound, hidden.StatusCode);
    }

    private async Task<List<Store>> DemoStoresAsync() =>
        (await AllAsync<Store>("/api/stores?limit=500"))
            .Where(s => s.Code.StartsWith(DemoStores.CodePrefix, StringComparison.Ordinal))
            .ToList();

    private async Task<List<T>> AllAsync<T>(string url, HttpClient? http = null)
    {
        http ??= _http;
        var all = new List<T>();
        string? cursor = null;
        do
        {
            var page = await http.GetFromJsonAsync<Page<T>>(url + (cursor is null ? "" : $"&cursor={Uri.EscapeDataString(cursor)}"));
            all.AddRange(page!.Items);
            cursor = page.NextCursor;
        }
        while (cursor is not null);

        return all;
    }
}
