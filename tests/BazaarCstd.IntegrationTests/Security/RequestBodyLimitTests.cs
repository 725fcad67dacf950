using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using BazaarCstd.Contracts.Stock;
using BazaarCstd.IntegrationTests.Infrastructure;
using BazaarCstd.IntegrationTests.Inventory;

namespace BazaarCstd.IntegrationTests.Security;

/// <summary>
/// Request bodies are capped per endpoint before anything parses or spools them: an oversized sale is
/// a 413 problem and sells nothing (with or without an Idempotency-Key, which stays free), while a
/// full 100-line batch with long notes still goes through.
/// </summary>
[Collection(BazaarAppCollection.Name)]
public sealed class RequestBodyLimitTests(BazaarAppFixture fixture)
{
    private readonly InventoryApi _api = new(fixture);

    [Fact]
    public async Task An_oversized_sale_is_413_sells_nothing_and_leaves_its_key_free()
    {
        var store = await _api.NewStoreAsync();
        var product = await _api.NewProductAsync();
        await _api.AddStockAsync(store.Id, product.Id, 5);
        var padded = SaleJson(store.Id, product.Id, note: new string('x', 20_000));
        var key = Guid.NewGuid().ToString();

        using (var response = await SendAsync(new StringContent(padded, Encoding.UTF8, "application/json"), key))
        {
            var problem = await InventoryApi.AssertProblem(response, HttpStatusCode.RequestEntityTooLarge);
            Assert.EndsWith("/payload-too-large", problem.GetProperty("type").GetString());
        }

        // The same without Content-Length (chunked): the server cuts it off as it reads.
        var chunked = new StreamContent(new MemoryStream(Encoding.UTF8.GetBytes(padded)));
        chunked.Headers.ContentType = new("application/json");
        using (var response = await SendAsync(chunked, key: null))
        {
            await InventoryApi.AssertProblem(response, HttpStatusCode.RequestEntityTooLarge);
        }

        Assert.Equal(5m, await _api.OnHandAsync(store.Id, product.Id));
        using var normal = await SendAsync(new StringContent(SaleJson(store.Id, product.Id, note: "till 4"), Encoding.UTF8, "application/json"), key);
        Assert.Equal(HttpStatusCode.Created, normal.StatusCode);
        Assert.Equal(4m, await _api.OnHandAsync(store.Id, product.Id));
    }

    [Fact]
    public async Task A_full_batch_with_long_notes_still_fits()
    {
        var store = await _api.NewStoreAsync();
        var product = await _api.NewProductAsync();
        var lines = Enumerable.Range(0, 100)
            .Select(i => new BatchLine(MovementKinds.StockIn, store.Id, product.Id, null, 1, Reference: $"PO-{i}", Note: new string('n', 500)))
            .ToList();

        using var response = await _api.Http.PostAsJsonAsync("/api/stock/batch", new BatchRequest(lines));

        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        Assert.Equal(100m, await _api.OnHandAsync(store.Id, product.Id));
    }

    private static string SaleJson(Guid storeId, Guid productId, string note) =>
        JsonSerializer.Serialize(new MovementRequest(storeId, productId, null, 1, Note: note), JsonSerializerOptions.Web);

    private async Task<HttpResponseMessage> SendAsync(HttpContent content, string? key)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, "/api/stock/sale") { Content = content };
        if (key is not null)
        {
            request.Headers.Add("Idempotency-Key", key);
        }

        return await _api.Http.SendAsync(request);
    }
}
