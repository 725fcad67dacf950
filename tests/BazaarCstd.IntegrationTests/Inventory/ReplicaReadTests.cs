using System.Net.Http.Headers;
using System.Net.Http.Json;
using BazaarCstd.Contracts;
using BazaarCstd.Contracts.Catalog;
using BazaarCstd.Contracts.Stock;
using BazaarCstd.Contracts.Stores;
using BazaarCstd.IntegrationTests.Infrastructure;

namespace BazaarCstd.IntegrationTests.Inventory;

/// <summary>
/// Reads served by the replica with read-your-writes (docs/decisions.md, "Replica reads"): a write
/// through one API replica answers with <c>X-Consistency-Token</c>; a read that sends it through
/// the other API replica sees the write at once. The clients here talk to each API replica directly
/// (its own port, as <c>Security/RateLimitAppFixture</c> does) and send only the tokens the test
/// gives them, unlike the suite's usual clients (<see cref="ApiAccounts"/>); their traffic is still
/// checked against the OpenAPI document. The replica stopped and restarted is a chaos-app test
/// (<c>Events/ReplicaChaosTests.cs</c>).
/// </summary>
[Collection(BazaarAppCollection.Name)]
public sealed class ReplicaReadTests(BazaarAppFixture fixture)
{
    private const string TokenHeader = ReplicaClients.TokenHeader;

    private readonly InventoryApi _api = new(fixture);

    [Fact]
    public async Task A_sale_through_one_API_replica_is_read_at_once_through_the_other_with_its_consistency_token()
    {
        var (store, product) = await _api.StockedAsync(1_000);
        var replicas = await ReplicaClients.OpenAsync(fixture);
        try
        {
            // Both directions, several times: each read must see the sale just made.
            for (var i = 0; i < 10; i++)
            {
                var (seller, reader) = (replicas[i % 2], replicas[(i + 1) % 2]);
                var (sold, token) = await ReplicaClients.SellAsync(seller, store.Id, product.Id);
                var (onHand, _) = await OnHandAsync(reader, store.Id, product.Id, token);
                Assert.Equal(sold.Level.OnHand, onHand);
            }

            Assert.Equal(990m, (await OnHandAsync(replicas[0], store.Id, product.Id, await fixture.Accounts.PrimaryPositionAsync())).OnHand);
            var info = (await replicas[1].GetFromJsonAsync<SystemInfo>("/api/system/info"))!;
            Assert.True(info.Reads.ReplicaServing, $"the replica should serve reads on the shared app: {info.Reads}");
            Assert.True(info.Reads.ReplicaReads > 0, $"reads should have been served by the replica: {info.Reads}");
        }
        finally
        {
            ReplicaClients.DisposeAll(replicas);
        }
    }

    [Fact]
    public async Task Many_parallel_sales_each_read_their_own_write_through_the_other_API_replica()
    {
        const int Pairs = 40;
        var (store, product) = await _api.StockedAsync(Pairs);
        var replicas = await ReplicaClients.OpenAsync(fixture);
        try
        {
            var outcomes = await AllAtOnce.RunAsync(Enumerable.Range(0, Pairs), async i =>
            {
                var (sold, token) = await ReplicaClients.SellAsync(replicas[i % 2], store.Id, product.Id);
                var reader = replicas[(i + 1) % 2];

                // Its own movement exists, and the level is at or below what the sale left (later sales only lower it).
                using var movement = await ReplicaClients.GetAsync(reader, $"/api/stock/movements/{sold.Movement.Id}", token);
                var (onHand, _) = await OnHandAsync(reader, store.Id, product.Id, token);
                return (movement.StatusCode, SeesOwnLevel: onHand <= sold.Level.OnHand);
            });

            Assert.All(outcomes, o => Assert.Equal((HttpStatusCode.OK, true), o));
            Assert.Equal(0m, (await OnHandAsync(replicas[0], store.Id, product.Id, await fixture.Accounts.PrimaryPositionAsync())).OnHand);
        }
        finally
        {
            ReplicaClients.DisposeAll(replicas);
        }
    }

    [Theory]
    [InlineData("not-a-token")]
    [InlineData("1/2/3")]
    [InlineData("123456789/0")]
    [InlineData("/")]
    public async Task A_malformed_consistency_token_is_a_400_problem(string token)
    {
        var replicas = await ReplicaClients.OpenAsync(fixture);
        try
        {
            using var response = await ReplicaClients.GetAsync(replicas[0], $"/api/stock/current?storeId={Guid.NewGuid()}", token);
            var problem = await InventoryApi.AssertProblem(response, HttpStatusCode.BadRequest, token);
            Assert.Contains(TokenHeader, problem.GetProperty("detail").GetString());
        }
        finally
        {
            ReplicaClients.DisposeAll(replicas);
        }
    }

    [Fact]
    public async Task A_read_without_a_token_is_answered_and_a_failed_write_carries_no_token()
    {
        var (store, product) = await _api.StockedAsync(3);
        var replicas = await ReplicaClients.OpenAsync(fixture);
        try
        {
            // Without a token the read may come a moment behind the primary; it is answered all the same.
            var (onHand, status) = await OnHandAsync(replicas[1], store.Id, product.Id, null);
            Assert.Equal(HttpStatusCode.OK, status);
            Assert.InRange(onHand, 0m, 3m);

            using var refused = await replicas[0].PostAsJsonAsync("/api/stock/sale", new MovementRequest(store.Id, product.Id, null, 4));
            await InventoryApi.AssertProblem(refused, HttpStatusCode.Conflict, "selling more than on hand");
            Assert.False(refused.Headers.Contains(TokenHeader), "a refused write changed nothing to wait for");
        }
        finally
        {
            ReplicaClients.DisposeAll(replicas);
        }
    }

    private static async Task<(decimal OnHand, HttpStatusCode Status)> OnHandAsync(HttpClient replica, Guid storeId, Guid productId, string? token)
    {
        using var response = await ReplicaClients.GetAsync(replica, $"/api/stock/current?storeId={storeId}&productId={productId}", token);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var page = (await response.Content.ReadFromJsonAsync<Page<StockRow>>())!;
        return (page.Items.SingleOrDefault()?.OnHand ?? 0m, response.StatusCode);
    }
}
