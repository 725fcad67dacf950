using System.Net;
using System.Net.Http.Json;
using BazaarCstd.Contracts.Catalog;
using BazaarCstd.Contracts.Stock;
using BazaarCstd.Contracts.Stores;

namespace BazaarCstd.LoadRun;

/// <summary>
/// The data a load run sells from, made through the public API: one new store and two disjoint
/// sets of new products (one product per API client, one per pgbench client), each stocked with
/// <c>quantity</c> units so no sale can run short. Names carry a timestamp, so runs never collide
/// and nothing that existed before is touched.
/// </summary>
public sealed record LoadFixture(Guid StoreId, IReadOnlyList<Guid> ApiProducts, IReadOnlyList<Guid> PgbenchProducts)
{
    public static async Task<LoadFixture> CreateAsync(Uri api, System.Net.Http.Headers.AuthenticationHeaderValue auth, int productsPerSet, decimal quantity)
    {
        using var http = new HttpClient { BaseAddress = api, Timeout = TimeSpan.FromSeconds(30) };
        http.DefaultRequestHeaders.Authorization = auth;
        var stamp = DateTime.UtcNow.ToString("yyyyMMddHHmmss", System.Globalization.CultureInfo.InvariantCulture);

        var store = await PostAsync<Store>(http, "/api/stores", new StoreRequest($"LOAD-{stamp}", $"Load run {stamp}"));
        var apiProducts = await CreateStockedProductsAsync(http, store.Id, $"LOAD-{stamp}-API", productsPerSet, quantity);
        var pgbenchProducts = await CreateStockedProductsAsync(http, store.Id, $"LOAD-{stamp}-PGB", productsPerSet, quantity);
        Console.Error.WriteLine($"    store {store.Code} ({store.Id}), {productsPerSet}+{productsPerSet} products, {quantity} units each");
        return new LoadFixture(store.Id, apiProducts, pgbenchProducts);
    }

    private static async Task<List<Guid>> CreateStockedProductsAsync(HttpClient http, Guid storeId, string skuPrefix, int count, decimal quantity)
    {
        var ids = new List<Guid>(count);
        for (var i = 1; i <= count; i++)
        {
            var product = await PostAsync<Product>(http, "/api/products",
                new ProductRequest($"{skuPrefix}-{i:D2}", $"Load run product {skuPrefix}-{i:D2}", "load-run", "each", 1.00m));
            await PostAsync<MovementResult>(http, "/api/stock/add", new MovementRequest(storeId, product.Id, null, quantity));
            ids.Add(product.Id);
        }

        return ids;
    }

    private static async Task<T> PostAsync<T>(HttpClient http, string path, object body)
    {
        using var response = await http.PostAsJsonAsync(path, body);
        if (response.StatusCode != HttpStatusCode.Created)
        {
            throw new LoadRunException(
                $"POST {path} answered {(int)response.StatusCode} instead of 201: {await response.Content.ReadAsStringAsync()}");
        }

        return await response.Content.ReadFromJsonAsync<T>()
            ?? throw new LoadRunException($"POST {path} answered 201 with an empty body.");
    }
}
