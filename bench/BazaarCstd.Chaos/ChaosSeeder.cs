using System.Net.Http.Headers;
using System.Net.Http.Json;
using BazaarCstd.Contracts.Auth;
using BazaarCstd.Contracts.Catalog;
using BazaarCstd.Contracts.Stock;
using BazaarCstd.Contracts.Stores;

namespace BazaarCstd.Chaos;

/// <summary>
/// Signs the tills in and makes the run's own stores and products through the API, then stocks
/// every shelf in batches of 100 lines: most with several times the sales they should see, some
/// (<see cref="ChaosOptions.ScarceShelvesPercent"/>) with 1–10 units so they run out.
/// </summary>
public static class ChaosSeeder
{
    public static async Task<string> SignInAsync(HttpClient http, ChaosOptions options, CancellationToken ct)
    {
        using var response = await http.PostAsJsonAsync("/api/auth/login", new LoginRequest(options.AdminEmail, options.AdminPassword), ct);
        if (!response.IsSuccessStatusCode)
        {
            throw new InvalidOperationException($"signing in as {options.AdminEmail}: {(int)response.StatusCode} {await response.Content.ReadAsStringAsync(ct)}");
        }

        return (await response.Content.ReadFromJsonAsync<TokenResponse>(ct))!.AccessToken;
    }

    public static async Task<ChaosDataset> SeedAsync(HttpClient http, ChaosOptions options, string runId, CancellationToken ct)
    {
        var stores = new List<Guid>();
        for (var i = 0; i < options.Stores; i++)
        {
            var code = $"CH{runId}-{i:000}".ToUpperInvariant();
            stores.Add((await PostAsync<Store>(http, "/api/stores", new StoreRequest(code, $"Chaos store {code}"), ct)).Id);
        }

        var products = new List<Guid>();
        for (var i = 0; i < options.Products; i++)
        {
            var sku = $"CHAOS-{runId}-{i:0000}".ToUpperInvariant();
            products.Add((await PostAsync<Product>(http, "/api/products",
                new ProductRequest(sku, $"Chaos product {i}", "Chaos", "each", 1.00m, ReorderPoint: options.ReorderPoint), ct)).Id);
        }

        // Sales take 2 units on average; a shelf is stocked for three times its share, plus a margin.
        var random = new Random(options.Seed);
        var share = options.Operations * (1 - options.TransferShare - options.CountShare) * 2 / (stores.Count * products.Count);
        var plenty = (int)Math.Ceiling(3 * share) + 20;
        var stocked = new Dictionary<(Guid, Guid), decimal>();
        foreach (var store in stores)
        {
            foreach (var product in products)
            {
                stocked[(store, product)] = random.Next(100) < options.ScarceShelvesPercent ? random.Next(1, 11) : plenty + random.Next(plenty / 2 + 1);
            }
        }

        foreach (var chunk in stocked.Chunk(100))
        {
            var lines = chunk.Select(s => new BatchLine(MovementKinds.StockIn, s.Key.Item1, s.Key.Item2, null, s.Value, Reference: "CHAOS-SEED")).ToList();
            await PostAsync<DocumentResult>(http, "/api/stock/batch", new BatchRequest(lines), ct);
        }

        return new ChaosDataset(stores, products, stocked);
    }

    public static void Authorize(HttpClient http, string token) => http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token);

    private static async Task<T> PostAsync<T>(HttpClient http, string path, object body, CancellationToken ct)
    {
        using var response = await http.PostAsJsonAsync(path, body, ct);
        if (!response.IsSuccessStatusCode)
        {
            throw new InvalidOperationException($"seeding, POST {path}: {(int)response.StatusCode} {await response.Content.ReadAsStringAsync(ct)}");
        }

        return (await response.Content.ReadFromJsonAsync<T>(ct))!;
    }
}
