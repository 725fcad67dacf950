using System.Collections.Concurrent;
using System.Net.Http.Json;
using BazaarCstd.Contracts.Stock;
using BazaarCstd.IntegrationTests.Infrastructure;

namespace BazaarCstd.IntegrationTests.Inventory;

/// <summary>
/// Several tills of one store selling one unit at a time through the API, each on its own client,
/// for as long as the caller's schedule names a product. Every answer other than 201 is kept.
/// </summary>
public sealed class Tills(AppFixture app, Guid storeId)
{
    private readonly ConcurrentQueue<string> _failures = new();
    private int _sold;

    /// <summary>Sales answered 201 so far.</summary>
    public int Sold => Volatile.Read(ref _sold);

    /// <summary>Every answer other than 201: status and body.</summary>
    public IReadOnlyCollection<string> Failures => _failures;

    /// <summary>Runs <paramref name="clients"/> tills until <paramref name="next"/> gives null or <paramref name="stop"/> is cancelled.</summary>
    public Task RunAsync(int clients, Func<Guid?> next, CancellationToken stop = default) =>
        Task.WhenAll(Enumerable.Range(0, clients).Select(async _ =>
        {
            using var http = app.CreateApiClient();
            while (!stop.IsCancellationRequested && next() is { } product)
            {
                using var response = await http.PostAsJsonAsync("/api/stock/sale", new MovementRequest(storeId, product, null, 1), CancellationToken.None);
                if (response.StatusCode == HttpStatusCode.Created)
                {
                    Interlocked.Increment(ref _sold);
                }
                else
                {
                    _failures.Enqueue($"{(int)response.StatusCode} {await response.Content.ReadAsStringAsync(CancellationToken.None)}");
                }
            }
        }));
}
