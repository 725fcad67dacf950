using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using BazaarCstd.Contracts.Catalog;
using BazaarCstd.Contracts.Stock;
using BazaarCstd.IntegrationTests.Infrastructure;

namespace BazaarCstd.IntegrationTests.Inventory;

[Collection(BazaarAppCollection.Name)]
public sealed class StockBehaviourTests(BazaarAppFixture fixture)
{
    private readonly InventoryApi _api = new(fixture);

    [Fact]
    public async Task Stock_as_of_an_instant_is_summed_from_business_time()
    {
        var store = await _api.NewStoreAsync();
        var product = await _api.NewProductAsync();
        var now = DateTimeOffset.UtcNow;
        await _api.AddStockAsync(store.Id, product.Id, 10, now.AddHours(-3));
        await Sell(store.Id, product.Id, 3, now.AddHours(-2));
        await Sell(store.Id, product.Id, 2, now.AddHours(-1));

        Assert.Equal(0m, await _api.OnHandAsync(store.Id, product.Id, now.AddHours(-4)));
        Assert.Equal(10m, await _api.OnHandAsync(store.Id, product.Id, now.AddMinutes(-150)));
        Assert.Equal(7m, await _api.OnHandAsync(store.Id, product.Id, now.AddMinutes(-90)));
        Assert.Equal(5m, await _api.OnHandAsync(store.Id, product.Id, now.AddMinutes(-30)));
        Assert.Equal(5m, await _api.OnHandAsync(store.Id, product.Id));

        using var future = await _api.Http.GetAsync($"/api/stock/current?asOf={Uri.EscapeDataString(now.AddDays(1).ToString("O"))}");
        await InventoryApi.AssertProblem(future, HttpStatusCode.BadRequest);
    }

    [Fact]
    public async Task A_short_sale_is_409_insufficient_stock_with_the_available_quantity()
    {
        var store = await _api.NewStoreAsync();
        var product = await _api.NewProductAsync();
        await _api.AddStockAsync(store.Id, product.Id, 4);

        using var response = await _api.Http.PostAsJsonAsync("/api/stock/sale", new MovementRequest(store.Id, null, product.Sku.ToLowerInvariant(), 5));

        var problem = await InventoryApi.AssertProblem(response, HttpStatusCode.Conflict);
        Assert.EndsWith("/insufficient-stock", problem.GetProperty("type").GetString());
        Assert.Equal(4m, problem.GetProperty("available").GetDecimal());
        Assert.Equal(4m, await _api.OnHandAsync(store.Id, product.Id));
    }

    [Fact]
    public async Task Weighed_products_take_fractions_and_counted_ones_do_not()
    {
        var store = await _api.NewStoreAsync();
        var cheese = await _api.NewProductAsync(unit: "kg");
        var tins = await _api.NewProductAsync(unit: "each");
        await _api.AddStockAsync(store.Id, cheese.Id, 2.5m);
        await _api.AddStockAsync(store.Id, tins.Id, 3);

        using var cheeseSale = await _api.Http.PostAsJsonAsync("/api/stock/sale", new MovementRequest(store.Id, cheese.Id, null, 0.375m));
        Assert.Equal(HttpStatusCode.Created, cheeseSale.StatusCode);
        Assert.Equal(2.125m, await _api.OnHandAsync(store.Id, cheese.Id));

        using var tinSale = await _api.Http.PostAsJsonAsync("/api/stock/sale", new MovementRequest(store.Id, tins.Id, null, 1.5m));
        await InventoryApi.AssertProblem(tinSale, HttpStatusCode.BadRequest);
        Assert.Equal(3m, await _api.OnHandAsync(store.Id, tins.Id));
    }

    [Fact]
    public async Task A_count_sets_on_hand_and_refuses_a_stale_expectation()
    {
        var store = await _api.NewStoreAsync();
        var product = await _api.NewProductAsync();
        await _api.AddStockAsync(store.Id, product.Id, 10);

        using var stale = await _api.Http.PostAsJsonAsync("/api/stock/count", new CountRequest(store.Id, product.Id, null, 8, ExpectedOnHand: 9));
        await InventoryApi.AssertProblem(stale, HttpStatusCode.Conflict);
        Assert.Equal(10m, await _api.OnHandAsync(store.Id, product.Id));

        using var counted = await _api.Http.PostAsJsonAsync("/api/stock/count", new CountRequest(store.Id, product.Id, null, 8, ExpectedOnHand: 10));
        Assert.Equal(HttpStatusCode.Created, counted.StatusCode);
        var result = await counted.Content.ReadFromJsonAsync<CountResult>();
        Assert.Equal(-2m, result!.Adjustment);
        Assert.Equal(8m, await _api.OnHandAsync(store.Id, product.Id));

        using var same = await _api.Http.PostAsJsonAsync("/api/stock/count", new CountRequest(store.Id, product.Id, null, 8));
        Assert.Equal(HttpStatusCode.OK, same.StatusCode);
        Assert.Equal(0m, (await same.Content.ReadFromJsonAsync<CountResult>())!.Adjustment);
    }

    [Fact]
    public async Task An_archived_product_keeps_its_history_and_takes_no_new_movements()
    {
        var store = await _api.NewStoreAsync();
        var product = await _api.NewProductAsync();
        await _api.AddStockAsync(store.Id, product.Id, 5);

        using var delete = await _api.Http.DeleteAsync($"/api/products/{product.Id}");
        Assert.Equal(HttpStatusCode.NoContent, delete.StatusCode);

        using var sale = await _api.Http.PostAsJsonAsync("/api/stock/sale", new MovementRequest(store.Id, product.Id, null, 1));
        await InventoryApi.AssertProblem(sale, HttpStatusCode.Conflict);
        var archived = await _api.Http.GetFromJsonAsync<Product>($"/api/products/{product.Id}");
        Assert.NotNull(archived!.ArchivedAt);
        Assert.Single(await _api.MovementsAsync(store.Id));
    }

    [Fact]
    public async Task A_duplicate_sku_is_409_whatever_its_case()
    {
        var product = await _api.NewProductAsync();
        using var duplicate = await _api.Http.PostAsJsonAsync("/api/products",
            new ProductRequest(product.Sku.ToLowerInvariant(), "Twin", "Testing", "each", 1m));
        await InventoryApi.AssertProblem(duplicate, HttpStatusCode.Conflict);
    }

    public static TheoryData<string, string, string, HttpStatusCode> BadSales => new()
    {
        { "negative quantity", "application/json", """{"storeId":"{store}","productId":"{product}","quantity":-1}""", HttpStatusCode.BadRequest },
        { "zero quantity", "application/json", """{"storeId":"{store}","productId":"{product}","quantity":0}""", HttpStatusCode.BadRequest },
        { "NaN quantity", "application/json", """{"storeId":"{store}","productId":"{product}","quantity":"NaN"}""", HttpStatusCode.BadRequest },
        { "huge quantity", "application/json", """{"storeId":"{store}","productId":"{product}","quantity":1e400}""", HttpStatusCode.BadRequest },
        { "too large quantity", "application/json", """{"storeId":"{store}","productId":"{product}","quantity":99999999999}""", HttpStatusCode.BadRequest },
        { "four decimals", "application/json", """{"storeId":"{store}","productId":"{product}","quantity":0.0001}""", HttpStatusCode.BadRequest },
        { "fractional each", "application/json", """{"storeId":"{store}","productId":"{product}","quantity":1.5}""", HttpStatusCode.BadRequest },
        { "unknown product", "application/json", """{"storeId":"{store}","productId":"{random}","quantity":1}""", HttpStatusCode.NotFound },
        { "unknown store", "application/json", """{"storeId":"{random}","productId":"{product}","quantity":1}""", HttpStatusCode.NotFound },
        { "no product", "application/json", """{"storeId":"{store}","quantity":1}""", HttpStatusCode.BadRequest },
        { "malformed JSON", "application/json", """{"storeId":"{store}",""", HttpStatusCode.BadRequest },
        { "wrong content type", "text/plain", """{"storeId":"{store}","productId":"{product}","quantity":1}""", HttpStatusCode.UnsupportedMediaType },
        { "SKU of 1000 characters", "application/json", """{"storeId":"{store}","sku":"{longsku}","quantity":1}""", HttpStatusCode.BadRequest },
        { "future occurredAt", "application/json", """{"storeId":"{store}","productId":"{product}","quantity":1,"occurredAt":"2999-01-01T00:00:00Z"}""", HttpStatusCode.BadRequest },
    };

    [Theory]
    [MemberData(nameof(BadSales))]
    public async Task Bad_input_is_a_problem_response_and_writes_nothing(string because, string contentType, string template, HttpStatusCode expected)
    {
        var store = await _api.NewStoreAsync();
        var product = await _api.NewProductAsync();
        await _api.AddStockAsync(store.Id, product.Id, 10);
        var body = template.Replace("{store}", store.Id.ToString()).Replace("{product}", product.Id.ToString())
            .Replace("{random}", Guid.NewGuid().ToString()).Replace("{longsku}", new string('X', 1000));

        using var response = await _api.Http.PostAsync("/api/stock/sale", new StringContent(body, Encoding.UTF8, contentType));

        await InventoryApi.AssertProblem(response, expected, because);
        Assert.Equal(10m, await _api.OnHandAsync(store.Id, product.Id));
        Assert.Single(await _api.MovementsAsync(store.Id));
    }

    [Theory]
    [InlineData("/api/stock/current?limit=10000")]
    [InlineData("/api/stock/movements?limit=10000")]
    [InlineData("/api/stock/movements?from=2026-11-02T00:00:00Z&to=2026-11-01T00:00:00Z")]
    [InlineData("/api/products?limit=0")]
    [InlineData("/api/stock/movements?cursor=not-a-cursor")]
    [InlineData("/api/stock/movements?kind=teleport")]
    public async Task Bad_list_parameters_are_400_problems(string url)
    {
        using var response = await _api.Http.GetAsync(url);
        await InventoryApi.AssertProblem(response, HttpStatusCode.BadRequest);
    }

    [Fact]
    public async Task Removals_need_a_reason_code_and_other_needs_a_note()
    {
        var store = await _api.NewStoreAsync();
        var product = await _api.NewProductAsync();
        await _api.AddStockAsync(store.Id, product.Id, 10);

        using var noReason = await _api.Http.PostAsJsonAsync("/api/stock/remove", new MovementRequest(store.Id, product.Id, null, 1));
        await InventoryApi.AssertProblem(noReason, HttpStatusCode.BadRequest);
        using var otherNoNote = await _api.Http.PostAsJsonAsync("/api/stock/remove", new MovementRequest(store.Id, product.Id, null, 1, Reason: "other"));
        await InventoryApi.AssertProblem(otherNoNote, HttpStatusCode.BadRequest);
        using var damaged = await _api.Http.PostAsJsonAsync("/api/stock/remove", new MovementRequest(store.Id, product.Id, null, 2, Reason: "damaged"));
        Assert.Equal(HttpStatusCode.Created, damaged.StatusCode);
        Assert.Equal(8m, await _api.OnHandAsync(store.Id, product.Id));
    }

    private async Task Sell(Guid storeId, Guid productId, decimal quantity, DateTimeOffset occurredAt)
    {
        using var response = await _api.Http.PostAsJsonAsync("/api/stock/sale", new MovementRequest(storeId, productId, null, quantity, OccurredAt: occurredAt));
        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
    }
}
