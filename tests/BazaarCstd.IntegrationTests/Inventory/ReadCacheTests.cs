using System.Diagnostics;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using BazaarCstd.Contracts;
using BazaarCstd.Contracts.Catalog;
using BazaarCstd.Contracts.Stock;
using BazaarCstd.Contracts.Stores;
using BazaarCstd.IntegrationTests.Alerts;
using BazaarCstd.IntegrationTests.Infrastructure;
using Npgsql;
using Xunit.Abstractions;

namespace BazaarCstd.IntegrationTests.Inventory;

/// <summary>
/// The two-level read cache (docs/decisions.md, "Read cache") on the shared app's two API replicas:
/// a write through one replica is seen through the other within a second (the backplane), at once
/// with its consistency token; a cold key read by a hundred requests at once is read from the
/// database once; a cached page never reaches a user who may not see its store. The clients talk to
/// each API replica directly and send only the tokens the test gives them (as in
/// <see cref="ReplicaReadTests"/>). Redis stopped is a rate-limit-app test (<c>Security/ReadCacheRedisTests.cs</c>).
/// </summary>
[Collection(BazaarAppCollection.Name)]
public sealed class ReadCacheTests(BazaarAppFixture fixture, ITestOutputHelper output)
{
    private const string TokenHeader = ReplicaClients.TokenHeader;

    /// <summary>The bar for a write to show on every API replica.</summary>
    private static readonly TimeSpan Propagation = TimeSpan.FromSeconds(1);

    private readonly InventoryApi _api = new(fixture);

    [Fact]
    public async Task A_product_renamed_through_one_API_replica_shows_its_new_name_on_the_other_within_a_second()
    {
        var product = await _api.NewProductAsync();
        var replicas = await ReplicaClients.OpenAsync(fixture);
        try
        {
            // Cached on the second replica: the product and a list that shows it.
            var list = $"/api/products?q={product.Sku}";
            for (var i = 0; i < 2; i++)
            {
                Assert.Equal("Test product", (await replicas[1].GetFromJsonAsync<Product>($"/api/products/{product.Id}"))!.Name);
                Assert.Equal("Test product", (await replicas[1].GetFromJsonAsync<Page<Product>>(list))!.Items.Single().Name);
            }

            var renamed = new ProductRequest(product.Sku, "Renamed product", product.Category, product.Unit, product.UnitPrice);
            using var put = await replicas[0].PutAsJsonAsync($"/api/products/{product.Id}", renamed);
            Assert.Equal(HttpStatusCode.OK, put.StatusCode);
            var etag = put.Headers.ETag!.Tag;

            var seen = await WithinAsync(async () =>
            {
                using var one = await replicas[1].GetAsync($"/api/products/{product.Id}");
                var page = await replicas[1].GetFromJsonAsync<Page<Product>>(list);
                return (await one.Content.ReadFromJsonAsync<Product>())!.Name == "Renamed product"
                    && one.Headers.ETag!.Tag == etag
                    && page!.Items.Single().Name == "Renamed product";
            }, "the rename on the other API replica");
            output.WriteLine($"Rename seen on the other replica after {seen.TotalMilliseconds:0} ms");
        }
        finally
        {
            ReplicaClients.DisposeAll(replicas);
        }
    }

    [Fact]
    public async Task A_sale_through_one_API_replica_shows_on_the_others_cached_stock_page_within_a_second_and_at_once_with_its_token()
    {
        var (store, product) = await _api.StockedAsync(100);
        var replicas = await ReplicaClients.OpenAsync(fixture);
        try
        {
            var page = $"/api/stock/current?storeId={store.Id}";
            Assert.Equal(100m, await OnHandAsync(replicas[1], page, product.Id, null));
            Assert.Equal(100m, await OnHandAsync(replicas[1], page, product.Id, null));

            // Without its token: the backplane removes the page on the other replica.
            var (first, _) = await ReplicaClients.SellAsync(replicas[0], store.Id, product.Id);
            var seen = await WithinAsync(async () => await OnHandAsync(replicas[1], page, product.Id, null) == first.Level.OnHand,
                "the sale on the other API replica's cached page");
            output.WriteLine($"Sale seen without a token after {seen.TotalMilliseconds:0} ms");

            // With its token: at once, whatever the cache holds.
            Assert.Equal(first.Level.OnHand, await OnHandAsync(replicas[1], page, product.Id, null));
            var (second, token) = await ReplicaClients.SellAsync(replicas[0], store.Id, product.Id);
            Assert.Equal(second.Level.OnHand, await OnHandAsync(replicas[1], page, product.Id, token));
            Assert.Equal(98m, second.Level.OnHand);
        }
        finally
        {
            ReplicaClients.DisposeAll(replicas);
        }
    }

    [Fact]
    public async Task A_hundred_concurrent_reads_of_a_cold_stock_page_cost_one_database_read()
    {
        const int Readers = 100;
        var (store, product) = await _api.StockedAsync(7);
        var replicas = await ReplicaClients.OpenAsync(fixture);
        try
        {
            // Counted where the API sends every read to a database (system info: reads by the replica and the primary).
            var before = await DatabaseReadsAsync(replicas[0]);
            var pages = await AllAtOnce.RunAsync(Enumerable.Range(0, Readers), async _ =>
            {
                using var response = await replicas[0].GetAsync($"/api/stock/current?storeId={store.Id}&limit=17");
                Assert.Equal(HttpStatusCode.OK, response.StatusCode);
                return (await response.Content.ReadFromJsonAsync<Page<StockRow>>())!.Items.Single();
            });
            var after = await DatabaseReadsAsync(replicas[0]);

            Assert.All(pages, row => Assert.Equal((product.Id, 7m), (row.ProductId, row.OnHand)));
            Assert.Equal(1, after - before);
        }
        finally
        {
            ReplicaClients.DisposeAll(replicas);
        }
    }

    [Fact]
    public async Task Staff_never_receive_a_cached_page_of_a_store_they_are_not_assigned_to()
    {
        var (mine, product) = await _api.StockedAsync(5);
        var other = await _api.NewStoreAsync();
        await _api.AddStockAsync(other.Id, product.Id, 9);
        var replicas = await ReplicaClients.OpenAsync(fixture);
        var paths = new[] { $"/api/stock/current?storeId={other.Id}", $"/api/stores/{other.Id}", $"/api/stores/{other.Id}/inventory", "/api/stores" };
        try
        {
            // Everything about the other store cached on both API replicas, by an administrator.
            foreach (var replica in replicas)
            {
                foreach (var path in paths)
                {
                    using var warm = await replica.GetAsync(path);
                    Assert.Equal(HttpStatusCode.OK, warm.StatusCode);
                }
            }

            using var staff = await new StoreAccounts(fixture).UserAsync("STAFF", mine.Id);
            for (var i = 0; i < 4; i++)
            {
                var current = await staff.GetFromJsonAsync<Page<StockRow>>(paths[0]);
                Assert.Empty(current!.Items);
                using var one = await staff.GetAsync(paths[1]);
                await InventoryApi.AssertProblem(one, HttpStatusCode.NotFound, "a store the staff member is not assigned to");
                using var inventory = await staff.GetAsync(paths[2]);
                await InventoryApi.AssertProblem(inventory, HttpStatusCode.NotFound, "the inventory of a store the staff member is not assigned to");
                var stores = await staff.GetFromJsonAsync<Page<Store>>("/api/stores");
                Assert.Equal([mine.Id], stores!.Items.Select(s => s.Id));
            }

            // Their own store comes from the same cache as everyone's.
            var own = await staff.GetFromJsonAsync<Page<StockRow>>($"/api/stock/current?storeId={mine.Id}");
            Assert.Equal(5m, own!.Items.Single().OnHand);
        }
        finally
        {
            ReplicaClients.DisposeAll(replicas);
        }
    }

    [Fact]
    public async Task Many_parallel_sales_and_reads_of_one_store_leave_its_cached_page_equal_to_the_ledger()
    {
        const int Sales = 60;
        const decimal Stock = 100;
        var (store, first) = await _api.StockedAsync(Stock);
        var second = await _api.NewProductAsync();
        await _api.AddStockAsync(store.Id, second.Id, Stock);
        var products = new[] { first.Id, second.Id };
        var replicas = await ReplicaClients.OpenAsync(fixture);
        var page = $"/api/stock/current?storeId={store.Id}";
        try
        {
            // Sales and reads interleaved on both API replicas; every page read meanwhile is one the ledger went through.
            var outcomes = await AllAtOnce.RunAsync(Enumerable.Range(0, 2 * Sales), async i =>
            {
                if (i % 2 == 0)
                {
                    var (sold, _) = await ReplicaClients.SellAsync(replicas[i / 2 % 2], store.Id, products[i / 2 % 2 == 0 ? 0 : 1]);
                    return sold.Level.OnHand is >= Stock - Sales and < Stock;
                }

                var rows = (await replicas[i / 2 % 2].GetFromJsonAsync<Page<StockRow>>(page))!.Items;
                return rows.Count == 2 && rows.All(r => r.OnHand is >= Stock - Sales and <= Stock);
            });
            Assert.All(outcomes, ok => Assert.True(ok));

            var ledger = await LedgerAsync(store.Id);
            Assert.Equal(2 * Stock - Sales, ledger.Values.Sum());
            var seen = await WithinAsync(async () =>
            {
                foreach (var replica in replicas)
                {
                    var rows = (await replica.GetFromJsonAsync<Page<StockRow>>(page))!.Items;
                    if (!rows.All(r => ledger[r.ProductId] == r.OnHand))
                    {
                        return false;
                    }
                }

                return true;
            }, "both API replicas' cached page to equal the ledger", TimeSpan.FromSeconds(2));
            output.WriteLine($"Cached pages equal to the ledger {seen.TotalMilliseconds:0} ms after the last sale");
        }
        finally
        {
            ReplicaClients.DisposeAll(replicas);
        }
    }

    /// <summary>On-hand per product in the store, summed from the movements (the ledger, not the projection).</summary>
    private async Task<Dictionary<Guid, decimal>> LedgerAsync(Guid storeId)
    {
        await using var db = await new StoreAccounts(fixture).OwnerAsync();
        await using var command = db.CreateCommand("SELECT product_id, sum(delta) FROM bazaar.stock_movements WHERE store_id = $1 GROUP BY product_id");
        command.Parameters.Add(new NpgsqlParameter { Value = storeId });
        var sums = new Dictionary<Guid, decimal>();
        await using var reader = await command.ExecuteReaderAsync();
        while (await reader.ReadAsync())
        {
            sums[reader.GetGuid(0)] = reader.GetDecimal(1);
        }

        return sums;
    }

    private static async Task<long> DatabaseReadsAsync(HttpClient replica)
    {
        var reads = (await replica.GetFromJsonAsync<SystemInfo>("/api/system/info"))!.Reads;
        return reads.ReplicaReads + reads.PrimaryReads;
    }

    /// <summary>Waits for <paramref name="condition"/> (at most <paramref name="deadline"/>, the 1 s unless told) and says how long it took.</summary>
    private static async Task<TimeSpan> WithinAsync(Func<Task<bool>> condition, string what, TimeSpan? deadline = null)
    {
        var started = Stopwatch.StartNew();
        await Eventually.IsTrueAsync(condition, deadline ?? Propagation, what);
        return started.Elapsed;
    }

    private static async Task<decimal> OnHandAsync(HttpClient replica, string page, Guid productId, string? token)
    {
        using var response = await ReplicaClients.GetAsync(replica, page, token);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        return (await response.Content.ReadFromJsonAsync<Page<StockRow>>())!.Items.Single(r => r.ProductId == productId).OnHand;
    }
}
