using System.Collections.Concurrent;
using System.Diagnostics;
using System.Net;
using System.Net.Http.Headers;
using System.Text.Json;
using BazaarCstd.Contracts.Stock;

namespace BazaarCstd.LoadRun;

/// <summary>
/// Phase A of the load run: one client per product, all in parallel, each on its own keep-alive
/// HTTP/1.1 connection, each selling 1 unit of its own product (<c>POST /api/stock/sale</c>) in a
/// closed loop — the next request leaves when the previous answer is read. Only answers completed
/// inside the measured window (after the warm-up) count towards the rate and the latencies.
/// </summary>
public static class SaleLoad
{
    private const int MaxReportedErrors = 5;

    public static async Task<SaleLoadResult> RunAsync(Uri api, System.Net.Http.Headers.AuthenticationHeaderValue auth, Guid storeId, IReadOnlyList<Guid> products, TimeSpan warmup, TimeSpan duration)
    {
        var start = Stopwatch.GetTimestamp();
        var windowStart = start + (long)(warmup.TotalSeconds * Stopwatch.Frequency);
        var windowEnd = windowStart + (long)(duration.TotalSeconds * Stopwatch.Frequency);
        var errors = new ConcurrentQueue<string>();

        Console.Error.WriteLine($"    {products.Count} clients, warm-up {warmup.TotalSeconds:0} s, measuring {duration.TotalSeconds:0} s");
        var tallies = await Task.WhenAll(products.Select(product =>
            Task.Run(() => RunClientAsync(api, auth, storeId, product, windowStart, windowEnd, errors))));

        foreach (var error in errors)
        {
            Console.Error.WriteLine($"    error: {error}");
        }

        var latencies = tallies.SelectMany(t => t.LatenciesMs).Order().ToArray();
        return new SaleLoadResult(
            Clients: products.Count,
            WindowSeconds: duration.TotalSeconds,
            MeasuredSales: latencies.Length,
            TotalSales: tallies.Sum(t => t.Sales),
            Errors: tallies.Sum(t => t.Errors),
            LatenciesMs: latencies);
    }

    private static async Task<ClientTally> RunClientAsync(
        Uri api, System.Net.Http.Headers.AuthenticationHeaderValue auth, Guid storeId, Guid productId, long windowStart, long windowEnd, ConcurrentQueue<string> errors)
    {
        // One handler and one connection per client: 16 clients are 16 keep-alive connections.
        using var http = new HttpClient(new SocketsHttpHandler { MaxConnectionsPerServer = 1, UseProxy = false })
        {
            BaseAddress = api,
            Timeout = TimeSpan.FromSeconds(30),
            DefaultRequestVersion = HttpVersion.Version11,
            DefaultVersionPolicy = HttpVersionPolicy.RequestVersionExact,
        };
        http.DefaultRequestHeaders.Authorization = auth;

        // The body never changes: serialise it once so the client spends its CPU on the wire, not on JSON.
        var body = JsonSerializer.SerializeToUtf8Bytes(new MovementRequest(storeId, productId, null, 1m), JsonSerializerOptions.Web);
        var tally = new ClientTally();

        while (Stopwatch.GetTimestamp() < windowEnd)
        {
            var sent = Stopwatch.GetTimestamp();
            string? error;
            try
            {
                using var content = new ByteArrayContent(body);
                content.Headers.ContentType = new MediaTypeHeaderValue("application/json");
                using var response = await http.PostAsync("/api/stock/sale", content);
                var answer = await response.Content.ReadAsStringAsync();
                error = response.StatusCode == HttpStatusCode.Created
                    ? null
                    : $"{(int)response.StatusCode} {answer[..Math.Min(answer.Length, 300)]}";
            }
            catch (Exception ex) when (ex is HttpRequestException or TaskCanceledException)
            {
                error = $"{ex.GetType().Name}: {ex.Message}";
            }

            var done = Stopwatch.GetTimestamp();
            if (error is not null)
            {
                tally.Errors++;
                if (errors.Count < MaxReportedErrors)
                {
                    errors.Enqueue(error);
                }

                // A refused connection fails at once; do not spin the CPU the server needs.
                await Task.Delay(50);
                continue;
            }

            tally.Sales++;
            if (done >= windowStart && done <= windowEnd)
            {
                tally.LatenciesMs.Add(Stopwatch.GetElapsedTime(sent, done).TotalMilliseconds);
            }
        }

        return tally;
    }

    private sealed class ClientTally
    {
        public List<double> LatenciesMs { get; } = new(capacity: 16_384);

        public long Sales { get; set; }

        public long Errors { get; set; }
    }
}
