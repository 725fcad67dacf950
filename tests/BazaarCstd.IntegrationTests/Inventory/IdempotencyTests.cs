using System.Net.Http.Json;
using System.Text;
using BazaarCstd.Contracts.Stock;
using BazaarCstd.IntegrationTests.Infrastructure;

namespace BazaarCstd.IntegrationTests.Inventory;

/// <summary>A till that retries after a timeout must never sell twice (Idempotency-Key, Stripe semantics).</summary>
[Collection(BazaarAppCollection.Name)]
public sealed class IdempotencyTests(BazaarAppFixture fixture)
{
    private readonly InventoryApi _api = new(fixture);

    [Fact]
    public async Task A_retried_sale_replays_the_first_response_and_sells_once()
    {
        var (storeId, productId) = await StockedAsync(10);
        var key = NewKey();
        var sale = new MovementRequest(storeId, productId, null, 2);

        using var first = await PostAsync("/api/stock/sale", sale, key);
        using var retry = await PostAsync("/api/stock/sale", sale, key);

        Assert.Equal(HttpStatusCode.Created, first.StatusCode);
        Assert.False(first.Headers.Contains("Idempotent-Replayed"));
        Assert.Equal(HttpStatusCode.Created, retry.StatusCode);
        Assert.Equal("true", retry.Headers.GetValues("Idempotent-Replayed").Single());
        Assert.Equal(first.Headers.Location, retry.Headers.Location);
        Assert.Equal(await first.Content.ReadAsStringAsync(), await retry.Content.ReadAsStringAsync());
        Assert.Equal(8m, await _api.OnHandAsync(storeId, productId));
        Assert.Single(await _api.MovementsAsync(storeId), m => m.Kind == "sale");

        // The Location the sale returned names the movement.
        var movement = await _api.Http.GetFromJsonAsync<Movement>(first.Headers.Location);
        Assert.Equal(-2m, movement!.Delta);
    }

    [Fact]
    public async Task The_same_key_with_another_body_is_422_and_changes_nothing()
    {
        var (storeId, productId) = await StockedAsync(10);
        var key = NewKey();
        using var first = await PostAsync("/api/stock/sale", new MovementRequest(storeId, productId, null, 1), key);
        Assert.Equal(HttpStatusCode.Created, first.StatusCode);

        using var other = await PostAsync("/api/stock/sale", new MovementRequest(storeId, productId, null, 5), key);
        var problem = await InventoryApi.AssertProblem(other, HttpStatusCode.UnprocessableEntity);
        Assert.EndsWith("/idempotency-key-reuse", problem.GetProperty("type").GetString());

        using var elsewhere = await PostAsync("/api/stock/remove", new MovementRequest(storeId, productId, null, 1, "damaged"), key);
        await InventoryApi.AssertProblem(elsewhere, HttpStatusCode.UnprocessableEntity);

        Assert.Equal(9m, await _api.OnHandAsync(storeId, productId));
    }

    [Fact]
    public async Task Twenty_parallel_requests_with_one_key_record_exactly_one_movement()
    {
        var (storeId, productId) = await StockedAsync(100);
        var key = NewKey();
        var sale = new MovementRequest(storeId, productId, null, 3, Reference: "till-7/receipt-42");

        var responses = await Task.WhenAll(Enumerable.Range(0, 20).Select(_ => PostAsync("/api/stock/sale", sale, key)));

        // Each caller gets the sale (first or replayed) or "still in progress, retry"; nobody sells again.
        Assert.All(responses, r => Assert.True(r.StatusCode is HttpStatusCode.Created or HttpStatusCode.Conflict, $"{r.StatusCode}"));
        Assert.Single(responses, r => r.StatusCode == HttpStatusCode.Created && !r.Headers.Contains("Idempotent-Replayed"));
        Assert.Equal(97m, await _api.OnHandAsync(storeId, productId));
        Assert.Single(await _api.MovementsAsync(storeId), m => m.Kind == "sale");

        // Once the first has finished, every retry gets its response.
        using var late = await PostAsync("/api/stock/sale", sale, key);
        Assert.Equal(HttpStatusCode.Created, late.StatusCode);
        Assert.Equal("true", late.Headers.GetValues("Idempotent-Replayed").Single());
        Assert.Equal(0, await _api.InconsistentLevelsAsync());
        foreach (var response in responses)
        {
            response.Dispose();
        }
    }

    [Fact]
    public async Task A_refused_sale_is_replayed_as_refused_but_an_invalid_request_frees_its_key()
    {
        var (storeId, productId) = await StockedAsync(1);
        var shortKey = NewKey();
        using var refused = await PostAsync("/api/stock/sale", new MovementRequest(storeId, productId, null, 5), shortKey);
        await InventoryApi.AssertProblem(refused, HttpStatusCode.Conflict);
        await _api.AddStockAsync(storeId, productId, 10);
        using var refusedAgain = await PostAsync("/api/stock/sale", new MovementRequest(storeId, productId, null, 5), shortKey);
        await InventoryApi.AssertProblem(refusedAgain, HttpStatusCode.Conflict);
        Assert.Equal("true", refusedAgain.Headers.GetValues("Idempotent-Replayed").Single());
        Assert.Equal(11m, await _api.OnHandAsync(storeId, productId));

        var invalidKey = NewKey();
        using var invalid = await PostAsync("/api/stock/sale", new MovementRequest(storeId, productId, null, -1), invalidKey);
        await InventoryApi.AssertProblem(invalid, HttpStatusCode.BadRequest);
        using var corrected = await PostAsync("/api/stock/sale", new MovementRequest(storeId, productId, null, 1), invalidKey);
        Assert.Equal(HttpStatusCode.Created, corrected.StatusCode);
        Assert.Equal(10m, await _api.OnHandAsync(storeId, productId));
    }

    [Theory]
    [InlineData("")]
    [InlineData("key with spaces")]
    [InlineData("x300")]
    public async Task An_unusable_key_is_400_and_nothing_is_sold(string key)
    {
        var (storeId, productId) = await StockedAsync(5);
        using var request = new HttpRequestMessage(HttpMethod.Post, "/api/stock/sale")
        {
            Content = JsonContent.Create(new MovementRequest(storeId, productId, null, 1)),
        };
        request.Headers.TryAddWithoutValidation("Idempotency-Key", key == "x300" ? new string('x', 300) : key);

        using var response = await _api.Http.SendAsync(request);

        await InventoryApi.AssertProblem(response, HttpStatusCode.BadRequest);
        Assert.Equal(5m, await _api.OnHandAsync(storeId, productId));
    }

    [Fact]
    public async Task Product_creation_with_a_key_is_replayed_not_duplicated()
    {
        var key = NewKey();
        var body = new { sku = $"IDEM-{Guid.NewGuid():N}", name = "Oat milk 1 l", category = "Dairy", unit = "each", unitPrice = 1.99m };

        using var first = await PostAsync("/api/products", body, key);
        using var retry = await PostAsync("/api/products", body, key);

        Assert.Equal(HttpStatusCode.Created, first.StatusCode);
        Assert.Equal(HttpStatusCode.Created, retry.StatusCode);
        Assert.Equal(first.Headers.Location, retry.Headers.Location);
        Assert.Equal("true", retry.Headers.GetValues("Idempotent-Replayed").Single());
    }

    private async Task<(Guid StoreId, Guid ProductId)> StockedAsync(decimal quantity)
    {
        var store = await _api.NewStoreAsync();
        var product = await _api.NewProductAsync();
        await _api.AddStockAsync(store.Id, product.Id, quantity);
        return (store.Id, product.Id);
    }

    private async Task<HttpResponseMessage> PostAsync<T>(string path, T body, string key)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, path)
        {
            Content = new StringContent(System.Text.Json.JsonSerializer.Serialize(body, System.Text.Json.JsonSerializerOptions.Web), Encoding.UTF8, "application/json"),
        };
        request.Headers.Add("Idempotency-Key", key);
        return await _api.Http.SendAsync(request);
    }

    private static string NewKey() => Guid.NewGuid().ToString();
}
