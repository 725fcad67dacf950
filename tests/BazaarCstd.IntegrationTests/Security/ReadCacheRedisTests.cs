using System.Diagnostics;
using System.Net.Http.Json;
using BazaarCstd.Api.Infrastructure.ReadCache;
using BazaarCstd.Contracts;
using BazaarCstd.Contracts.Auth;
using BazaarCstd.Contracts.Catalog;
using BazaarCstd.Contracts.Stock;
using BazaarCstd.Contracts.Stores;
using BazaarCstd.IntegrationTests.Accounts;
using BazaarCstd.IntegrationTests.Infrastructure;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using StackExchange.Redis;
using Xunit.Abstractions;

namespace BazaarCstd.IntegrationTests.Security;

/// <summary>
/// The read cache without Redis (docs/decisions.md, "Read cache"). It stops Redis, so it runs on the
/// rate-limit app, whose tests stop it already (the shared app's would fail meanwhile). That app's
/// limits are 5 a minute: everything but the last few reads happens while Redis is down, when
/// nothing is counted, and as a user of the test's own.
/// </summary>
[Collection(RateLimitAppCollection.Name)]
public sealed class ReadCacheRedisTests(RateLimitAppFixture fixture, ITestOutputHelper output)
{
    /// <summary>FusionCache's backplane channel: our prefix, ".Backplane", its wire format.</summary>
    private const string BackplaneChannel = ReadCacheSetup.BackplaneChannelPrefix + ".Backplane:v2";

    [Fact]
    public async Task With_Redis_stopped_reads_answer_from_the_database_within_a_second_and_use_Redis_again_once_it_is_back()
    {
        var from = RateLimitAppFixture.NewClientAddress();
        var adminToken = await fixture.AccessTokenAsync(0, from, ApiAccounts.AdminEmail, ApiAccounts.AdminPassword);
        var commands = fixture.Runner.App.ResourceCommands;
        var notifications = fixture.Runner.App.ResourceNotifications;
        string token;
        string sku;
        try
        {
            var stop = await commands.ExecuteCommandAsync(ResourceNames.Cache, KnownResourceCommands.StopCommand);
            Assert.True(stop.Success, stop.Message);
            await notifications.WaitForResourceAsync(ResourceNames.Cache, e => e.Snapshot.State?.Text is "Exited" or "Finished" or "Stopped")
                .WaitAsync(TimeSpan.FromSeconds(30));

            token = await NewAdminTokenAsync(from, adminToken);
            using var writer = fixture.Client(0, from, token);
            var (store, product) = await StockedAsync(writer);
            sku = product.Sku;
            // Each round on both API replicas; the lists with a limit of their own, so each round's are
            // keys nobody read: database reads, with the cache failing to reach Redis before and after.
            string[] Paths(int round) =>
            [
                $"/api/stock/current?storeId={store.Id}&limit={round + 1}", $"/api/products/{product.Id}",
                $"/api/products?q={product.Sku}&limit={round + 1}", $"/api/stores/{store.Id}", $"/api/stores?limit={round + 1}",
            ];

            // Round 0 is these replicas' first use of these endpoints (a fresh app): it compiles their
            // queries and code, which takes a second or more on a busy machine with or without Redis.
            // It must answer; rounds 1 to 3 must answer within 1 s.
            var slowest = TimeSpan.Zero;
            for (var round = 0; round < 4; round++)
            {
                for (var replica = 0; replica < fixture.Replicas.Count; replica++)
                {
                    using var http = fixture.Client(replica, from, token);
                    foreach (var path in Paths(round))
                    {
                        var started = Stopwatch.StartNew();
                        using var response = await http.GetAsync(path);
                        output.WriteLine($"round {round}, replica {replica}, {path}: {started.ElapsedMilliseconds} ms");
                        Assert.True(response.StatusCode == HttpStatusCode.OK, $"{path} on replica {replica}: {response.StatusCode}");
                        slowest = round > 0 && started.Elapsed > slowest ? started.Elapsed : slowest;
                    }
                }
            }

            // Read-your-writes holds without Redis: the sale's token is newer than the cached page.
            using var sale = await writer.PostAsJsonAsync("/api/stock/sale", new MovementRequest(store.Id, product.Id, null, 1));
            Assert.Equal(HttpStatusCode.Created, sale.StatusCode);
            using var afterSale = new HttpRequestMessage(HttpMethod.Get, $"/api/stock/current?storeId={store.Id}");
            afterSale.Headers.Add(ApiAccounts.ConsistencyTokenHeader, sale.Headers.GetValues(ApiAccounts.ConsistencyTokenHeader).Single());
            using var other = fixture.Client(1, from, token);
            using var afterSaleResponse = await other.SendAsync(afterSale);
            Assert.Equal(9m, (await afterSaleResponse.Content.ReadFromJsonAsync<Page<StockRow>>())!.Items.Single().OnHand);

            output.WriteLine($"Slowest of rounds 1 to 3 without Redis: {slowest.TotalMilliseconds:0} ms");
            Assert.True(slowest < TimeSpan.FromSeconds(1), $"The slowest read without Redis took {slowest.TotalMilliseconds:0} ms.");
        }
        finally
        {
            var start = await commands.ExecuteCommandAsync(ResourceNames.Cache, KnownResourceCommands.StartCommand);
            Assert.True(start.Success, start.Message);
            await notifications.WaitForResourceAsync(ResourceNames.Cache, e => e.Snapshot.HealthStatus == HealthStatus.Healthy)
                .WaitAsync(TimeSpan.FromSeconds(30));
        }

        // Back: both API replicas listen on the backplane again, and a list read once is in Redis (the second level).
        await using var redis = await ConnectionMultiplexer.ConnectAsync(
            await fixture.App.GetConnectionStringAsync(ResourceNames.Cache) ?? throw new InvalidOperationException("No Redis connection string."));
        var server = redis.GetServers().Single();
        await Eventually.IsTrueAsync(async () =>
            (long)((RedisResult[])(await server.ExecuteAsync("PUBSUB", "NUMSUB", BackplaneChannel))!)[1] == fixture.Replicas.Count,
            TimeSpan.FromSeconds(30), "both API replicas to subscribe to the backplane again");

        // A few tries, each a list nobody read (a limit of its own): the cache leaves Redis alone for a moment after a failure.
        using var reader = fixture.Client(0, from, token);
        var stored = false;
        for (var attempt = 1; attempt <= 4 && !stored; attempt++)
        {
            var limit = 10 + attempt;
            using var response = await reader.GetAsync($"/api/products?q={sku}&limit={limit}");
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            var key = $"{ReadCacheSetup.RedisKeyPrefix}*{ReadCacheKeys.ProductList(null, sku, null, null, limit)}";
            try
            {
                await Eventually.IsTrueAsync(async () =>
                {
                    await foreach (var _ in server.KeysAsync(pattern: key))
                    {
                        return true;
                    }

                    return false;
                }, TimeSpan.FromSeconds(1.5), $"the list to reach Redis ({key})");
                stored = true;
                output.WriteLine($"A read stored its list in Redis again at attempt {attempt}");
            }
            catch (TimeoutException)
            {
                output.WriteLine($"Attempt {attempt}: {key} not in Redis within 1.5 s");
            }
        }

        Assert.True(stored, "after Redis came back, no read stored its value there");
    }

    /// <summary>A fresh administrator (its own read budget once Redis is back), made while nothing is counted.</summary>
    private async Task<string> NewAdminTokenAsync(IPAddress from, string adminToken)
    {
        var email = $"cache-{Guid.NewGuid():N}@bazaar.test";
        const string password = "Read-cache-test-2026";
        using var http = fixture.Client(0, from, adminToken);
        using var registered = await http.PostAsJsonAsync("/api/auth/register", new RegisterRequest(email, password, "Read cache test"));
        Assert.Equal(HttpStatusCode.Accepted, registered.StatusCode);
        using var promoted = await http.PutAsJsonAsync($"/api/users/{await http.UserIdAsync(email)}/roles", new UserRolesRequest(["ADMIN"]));
        Assert.Equal(HttpStatusCode.OK, promoted.StatusCode);
        return await fixture.AccessTokenAsync(1, from, email, password);
    }

    private static async Task<(Store Store, Product Product)> StockedAsync(HttpClient http)
    {
        var code = $"RC-{Guid.NewGuid():N}"[..20];
        using var storeResponse = await http.PostAsJsonAsync("/api/stores", new StoreRequest(code, $"Read cache test {code}"));
        Assert.Equal(HttpStatusCode.Created, storeResponse.StatusCode);
        var store = (await storeResponse.Content.ReadFromJsonAsync<Store>())!;
        using var productResponse = await http.PostAsJsonAsync("/api/products",
            new ProductRequest($"RC-{Guid.NewGuid():N}", "Read cache product", "Testing", "each", 1.25m));
        Assert.Equal(HttpStatusCode.Created, productResponse.StatusCode);
        var product = (await productResponse.Content.ReadFromJsonAsync<Product>())!;
        using var added = await http.PostAsJsonAsync("/api/stock/add", new MovementRequest(store.Id, product.Id, null, 10));
        Assert.Equal(HttpStatusCode.Created, added.StatusCode);
        return (store, product);
    }
}
