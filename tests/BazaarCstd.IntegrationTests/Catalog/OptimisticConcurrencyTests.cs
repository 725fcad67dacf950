using System.Net.Http.Headers;
using System.Net.Http.Json;
using BazaarCstd.Contracts.Catalog;
using BazaarCstd.Contracts.Stock;
using BazaarCstd.Contracts.Stores;
using BazaarCstd.IntegrationTests.Infrastructure;
using BazaarCstd.IntegrationTests.Inventory;

namespace BazaarCstd.IntegrationTests.Catalog;

/// <summary>Two managers editing one product: the second, stale write is refused (If-Match → 412), never silently lost.</summary>
[Collection(BazaarAppCollection.Name)]
public sealed class OptimisticConcurrencyTests(BazaarAppFixture fixture)
{
    private readonly InventoryApi _api = new(fixture);

    [Fact]
    public async Task A_put_with_a_stale_etag_is_412_and_keeps_the_newer_change()
    {
        var product = await _api.NewProductAsync();
        var (_, etag) = await GetProductAsync(product.Id);

        using var first = await PutAsync($"/api/products/{product.Id}", Edit(product, name: "Sparkling water 1.5 l"), etag);
        Assert.Equal(HttpStatusCode.OK, first.StatusCode);
        var newEtag = first.Headers.ETag!.Tag;
        Assert.NotEqual(etag, newEtag);

        using var stale = await PutAsync($"/api/products/{product.Id}", Edit(product, name: "Still water 1.5 l"), etag);
        var problem = await InventoryApi.AssertProblem(stale, HttpStatusCode.PreconditionFailed);
        Assert.EndsWith("/precondition-failed", problem.GetProperty("type").GetString());

        var (current, currentEtag) = await GetProductAsync(product.Id);
        Assert.Equal("Sparkling water 1.5 l", current.Name);
        Assert.Equal(newEtag, currentEtag);

        using var unconditional = await PutAsync($"/api/products/{product.Id}", Edit(product, name: "Still water 1.5 l", price: 0.89m), null);
        Assert.Equal(HttpStatusCode.OK, unconditional.StatusCode);
        var updated = await unconditional.Content.ReadFromJsonAsync<Product>();
        Assert.Equal(0.89m, updated!.UnitPrice);
        Assert.True(updated.UpdatedAt > product.UpdatedAt);
    }

    [Fact]
    public async Task Of_ten_parallel_edits_from_one_read_exactly_one_wins()
    {
        var product = await _api.NewProductAsync();
        var (_, etag) = await GetProductAsync(product.Id);

        var responses = await Task.WhenAll(Enumerable.Range(0, 10).Select(i =>
            PutAsync($"/api/products/{product.Id}", Edit(product, name: $"Edit {i}"), etag)));

        Assert.Single(responses, r => r.StatusCode == HttpStatusCode.OK);
        Assert.Equal(9, responses.Count(r => r.StatusCode == HttpStatusCode.PreconditionFailed));
        var winner = await responses.Single(r => r.StatusCode == HttpStatusCode.OK).Content.ReadFromJsonAsync<Product>();
        var (current, _) = await GetProductAsync(product.Id);
        Assert.Equal(winner!.Name, current.Name);
        foreach (var response in responses)
        {
            response.Dispose();
        }
    }

    [Fact]
    public async Task Product_edits_are_validated_and_conflicts_reported()
    {
        var product = await _api.NewProductAsync(unit: "kg");
        var other = await _api.NewProductAsync();

        using var unknown = await PutAsync($"/api/products/{Guid.NewGuid()}", Edit(product), null);
        await InventoryApi.AssertProblem(unknown, HttpStatusCode.NotFound);

        using var duplicate = await PutAsync($"/api/products/{product.Id}", Edit(product) with { Sku = other.Sku.ToLowerInvariant() }, null);
        await InventoryApi.AssertProblem(duplicate, HttpStatusCode.Conflict);

        using var invalid = await PutAsync($"/api/products/{product.Id}", Edit(product) with { Unit = "crate", UnitPrice = -1 }, null);
        var problem = await InventoryApi.AssertProblem(invalid, HttpStatusCode.BadRequest);
        Assert.True(problem.GetProperty("errors").TryGetProperty("unit", out _));
        Assert.True(problem.GetProperty("errors").TryGetProperty("unitPrice", out _));

        // 2.5 kg in a store cannot become "each".
        var store = await _api.NewStoreAsync();
        await _api.AddStockAsync(store.Id, product.Id, 2.5m);
        using var wholeUnit = await PutAsync($"/api/products/{product.Id}", Edit(product) with { Unit = "each" }, null);
        await InventoryApi.AssertProblem(wholeUnit, HttpStatusCode.Conflict);

        var (unchanged, _) = await GetProductAsync(product.Id);
        Assert.Equal(product.Sku, unchanged.Sku);
        Assert.Equal("kg", unchanged.Unit);
        Assert.Equal(product.UpdatedAt, unchanged.UpdatedAt);
    }

    [Fact]
    public async Task Stores_can_be_read_and_edited_with_the_same_rules()
    {
        var store = await _api.NewStoreAsync();
        using var get = await _api.Http.GetAsync($"/api/stores/{store.Id}");
        Assert.Equal(HttpStatusCode.OK, get.StatusCode);
        var etag = get.Headers.ETag!.Tag;

        var edit = new StoreRequest(store.Code, "Harbour Street", "Europe/Dublin", "1 Harbour Street, Cork");
        using var first = await PutAsync($"/api/stores/{store.Id}", edit, etag);
        Assert.Equal(HttpStatusCode.OK, first.StatusCode);
        using var stale = await PutAsync($"/api/stores/{store.Id}", edit with { Name = "Old name" }, etag);
        await InventoryApi.AssertProblem(stale, HttpStatusCode.PreconditionFailed);
        using var badZone = await PutAsync($"/api/stores/{store.Id}", edit with { Timezone = "Mars/Olympus" }, null);
        await InventoryApi.AssertProblem(badZone, HttpStatusCode.BadRequest);
        using var unknown = await PutAsync($"/api/stores/{Guid.NewGuid()}", edit, null);
        await InventoryApi.AssertProblem(unknown, HttpStatusCode.NotFound);

        var current = await _api.Http.GetFromJsonAsync<Store>($"/api/stores/{store.Id}");
        Assert.Equal("Harbour Street", current!.Name);
        Assert.Equal("Europe/Dublin", current.Timezone);
    }

    private static ProductRequest Edit(Product p, string? name = null, decimal? price = null) =>
        new(p.Sku, name ?? p.Name, p.Category, p.Unit, price ?? p.UnitPrice, p.Barcode, p.Description, p.ReorderPoint);

    private async Task<(Product Product, string ETag)> GetProductAsync(Guid id)
    {
        using var response = await _api.Http.GetAsync($"/api/products/{id}");
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        return ((await response.Content.ReadFromJsonAsync<Product>())!, response.Headers.ETag!.Tag);
    }

    private Task<HttpResponseMessage> PutAsync<T>(string path, T body, string? etag)
    {
        var request = new HttpRequestMessage(HttpMethod.Put, path) { Content = JsonContent.Create(body) };
        if (etag is not null)
        {
            request.Headers.IfMatch.Add(EntityTagHeaderValue.Parse(etag));
        }

        return _api.Http.SendAsync(request);
    }
}
