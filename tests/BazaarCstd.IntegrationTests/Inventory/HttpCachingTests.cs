using System.Net.Http.Headers;
using System.Net.Http.Json;
using BazaarCstd.Contracts.Catalog;
using BazaarCstd.Contracts.Stock;
using BazaarCstd.IntegrationTests.Alerts;
using BazaarCstd.IntegrationTests.Infrastructure;

namespace BazaarCstd.IntegrationTests.Inventory;

/// <summary>
/// A till or dashboard polling a page revalidates it with If-None-Match: 304 with no body while
/// nothing changed, 200 with the new content and a new ETag as soon as something did — never a stale
/// 304 after a sale or an edit, and another user's tag confirms nothing.
/// </summary>
[Collection(BazaarAppCollection.Name)]
public sealed class HttpCachingTests(BazaarAppFixture fixture)
{
    private readonly InventoryApi _api = new(fixture);
    private readonly StoreAccounts _accounts = new(fixture);

    [Fact]
    public async Task A_stock_page_is_304_until_a_sale_changes_it_then_200_with_the_new_level()
    {
        var store = await _api.NewStoreAsync();
        var product = await _api.NewProductAsync();
        await _api.AddStockAsync(store.Id, product.Id, 10);
        var page = $"/api/stock/current?storeId={store.Id}";

        using var first = await _api.Http.GetAsync(page);
        Assert.Equal(HttpStatusCode.OK, first.StatusCode);
        var tag = first.Headers.ETag;
        Assert.NotNull(tag);
        Assert.False(tag.IsWeak);
        Assert.Equal((true, TimeSpan.Zero), (first.Headers.CacheControl!.Private, first.Headers.CacheControl.MaxAge));

        using (var again = await ConditionalGetAsync(page, tag))
        {
            Assert.Equal(HttpStatusCode.NotModified, again.StatusCode);
            Assert.Empty(await again.Content.ReadAsByteArrayAsync());
            Assert.Equal(tag, again.Headers.ETag);
        }

        using (var sale = await _api.Http.PostAsJsonAsync("/api/stock/sale", new MovementRequest(store.Id, product.Id, null, 3)))
        {
            Assert.Equal(HttpStatusCode.Created, sale.StatusCode);
        }

        using var changed = await ConditionalGetAsync(page, tag);
        Assert.Equal(HttpStatusCode.OK, changed.StatusCode);
        Assert.NotEqual(tag, changed.Headers.ETag);
        var levels = await changed.Content.ReadFromJsonAsync<Contracts.Page<StockRow>>();
        Assert.Equal(7m, Assert.Single(levels!.Items).OnHand);
    }

    [Fact]
    public async Task A_product_revalidates_against_its_row_version_and_an_edit_ends_the_304s()
    {
        var product = await _api.NewProductAsync();
        var path = $"/api/products/{product.Id}";

        using var first = await _api.Http.GetAsync(path);
        var tag = first.Headers.ETag!;
        Assert.Equal((true, TimeSpan.FromSeconds(60)), (first.Headers.CacheControl!.Private, first.Headers.CacheControl.MaxAge));
        using (var again = await ConditionalGetAsync(path, tag))
        {
            Assert.Equal(HttpStatusCode.NotModified, again.StatusCode);
        }

        using (var edit = await _api.Http.PutAsJsonAsync(path, new ProductRequest(product.Sku, "Renamed", product.Category, product.Unit, product.UnitPrice)))
        {
            Assert.Equal(HttpStatusCode.OK, edit.StatusCode);
        }

        using var changed = await ConditionalGetAsync(path, tag);
        Assert.Equal(HttpStatusCode.OK, changed.StatusCode);
        Assert.Equal("Renamed", (await changed.Content.ReadFromJsonAsync<Product>())!.Name);
        Assert.NotEqual(tag, changed.Headers.ETag);
    }

    [Fact]
    public async Task Another_users_tag_does_not_unlock_a_store_they_may_not_see()
    {
        var mine = await _api.NewStoreAsync();
        var product = await _api.NewProductAsync();
        await _api.AddStockAsync(mine.Id, product.Id, 4);
        var page = $"/api/stock/current?storeId={mine.Id}";
        using var admin = await _api.Http.GetAsync(page);
        var tag = admin.Headers.ETag!;
        Assert.Contains("Authorization", admin.Headers.Vary);

        // Staff of another store, sending the admin's tag for this store's page: their own answer
        // (none of this store's rows), not a 304 that would confirm the admin's copy.
        var other = await _api.NewStoreAsync();
        using var staff = await _accounts.UserAsync("STAFF", other.Id);
        using var request = new HttpRequestMessage(HttpMethod.Get, page);
        request.Headers.IfNoneMatch.Add(tag);
        using var answer = await staff.SendAsync(request);
        Assert.Equal(HttpStatusCode.OK, answer.StatusCode);
        Assert.NotEqual(tag, answer.Headers.ETag);
        Assert.Empty((await answer.Content.ReadFromJsonAsync<Contracts.Page<StockRow>>())!.Items);
    }

    private async Task<HttpResponseMessage> ConditionalGetAsync(string path, EntityTagHeaderValue tag)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, path);
        request.Headers.IfNoneMatch.Add(tag);
        return await _api.Http.SendAsync(request);
    }
}
