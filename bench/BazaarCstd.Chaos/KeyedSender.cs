using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;

namespace BazaarCstd.Chaos;

/// <summary>
/// Sends a write the way a till does: with its <c>Idempotency-Key</c>, and again with the same key
/// and the same body after a timeout, a broken connection, a 5xx, a 429 or a 409
/// <c>idempotency-in-progress</c> (the first attempt is still running), until an answer that is
/// final (2xx, or a 4xx refusal) or the deadline. The API's promise under test: whatever the
/// attempts met, the kept answer is the one written, once.
/// </summary>
public sealed class KeyedSender(HttpClient http, Func<DateTimeOffset> deadline)
{
    public const string IdempotencyInProgress = "idempotency-in-progress";

    private static readonly TimeSpan MaxBackoff = TimeSpan.FromSeconds(2);

    /// <summary>Attempts that failed and were retried, by what failed them.</summary>
    public System.Collections.Concurrent.ConcurrentDictionary<string, int> RetriedOn { get; } = new();

    /// <summary>The first answer of a kind that should not happen (a 2xx that cannot be read), as it came.</summary>
    public System.Collections.Concurrent.ConcurrentDictionary<string, string> Examples { get; } = new();

    public async Task SendAsync(TillOperation operation, Random random, CancellationToken cancellationToken)
    {
        var body = Encoding.UTF8.GetBytes(operation.Body);
        while (true)
        {
            operation.Attempts++;
            string failure;
            try
            {
                using var request = new HttpRequestMessage(HttpMethod.Post, operation.Path) { Content = new ByteArrayContent(body) };
                request.Content.Headers.ContentType = new MediaTypeHeaderValue("application/json");
                request.Headers.Add("Idempotency-Key", operation.Key);
                using var response = await http.SendAsync(request, cancellationToken);
                var text = await response.Content.ReadAsStringAsync(cancellationToken);
                var status = (int)response.StatusCode;
                using var json = JsonObject(text);
                var problem = ProblemType(json);
                if (status < 300 && json is null)
                {
                    // A till that cannot read what it was told asks again (same key): the replay carries the stored answer.
                    failure = $"{status} without a readable body";
                    Examples.TryAdd(failure, $"{operation.Key}, attempt {operation.Attempts}: Content-Type {response.Content.Headers.ContentType}, "
                        + $"Content-Length {response.Content.Headers.ContentLength?.ToString(System.Globalization.CultureInfo.InvariantCulture) ?? "none"}, "
                        + $"Idempotent-Replayed {string.Join(",", response.Headers.TryGetValues("Idempotent-Replayed", out var r) ? r : [])}, "
                        + $"Location {response.Headers.Location}, body {text.Length} chars '{text[..Math.Min(text.Length, 120)]}'");
                }
                else if (status < 300 || (status < 500 && status != 429 && status != 408 && problem != IdempotencyInProgress))
                {
                    operation.Status = status;
                    operation.Problem = problem;
                    operation.Replayed = response.Headers.TryGetValues("Idempotent-Replayed", out var replayed) && replayed.Contains("true");
                    if (status < 300)
                    {
                        Read(operation, json!);
                    }

                    return;
                }
                else
                {
                    failure = problem is null ? $"{status}" : $"{status} {problem}";
                }
            }
            catch (HttpRequestException ex)
            {
                failure = ex.HttpRequestError.ToString();
            }
            catch (TaskCanceledException) when (!cancellationToken.IsCancellationRequested)
            {
                failure = "timeout";
            }

            RetriedOn.AddOrUpdate(failure, 1, (_, n) => n + 1);
            operation.Problem = failure;
            var backoff = TimeSpan.FromMilliseconds(Math.Min(MaxBackoff.TotalMilliseconds, 50 * Math.Pow(2, Math.Min(operation.Attempts, 10))) * (0.5 + random.NextDouble()));
            if (DateTimeOffset.UtcNow + backoff > deadline())
            {
                operation.Status = 0; // no final answer: reported, never guessed
                return;
            }

            await Task.Delay(backoff, cancellationToken);
        }
    }

    /// <summary>The answer as a JSON object, parsed once; null when it is not one (empty, cut off, not JSON).</summary>
    private static JsonDocument? JsonObject(string text)
    {
        try
        {
            var json = JsonDocument.Parse(text);
            if (json.RootElement.ValueKind == JsonValueKind.Object)
            {
                return json;
            }

            json.Dispose();
            return null;
        }
        catch (JsonException)
        {
            return null;
        }
    }

    private static string? ProblemType(JsonDocument? json) =>
        json is not null && json.RootElement.TryGetProperty("type", out var type) && type.ValueKind == JsonValueKind.String
            ? type.GetString()!.Split('/')[^1]
            : null;

    /// <summary>The movements of a 2xx answer: one (sale), both sides of each line (transfer), one or none (count).</summary>
    private static void Read(TillOperation operation, JsonDocument json)
    {
        var movements = new List<JsonElement>();
        if (json.RootElement.TryGetProperty("movements", out var many))
        {
            movements.AddRange(many.EnumerateArray());
        }
        else if (json.RootElement.TryGetProperty("movement", out var one) && one.ValueKind == JsonValueKind.Object)
        {
            movements.Add(one);
        }

        operation.MovementIds = [.. movements.Select(m => m.GetProperty("id").GetInt64())];
        operation.Deltas = [.. movements.Select(m => new ShelfDelta(
            m.GetProperty("storeId").GetGuid(), m.GetProperty("productId").GetGuid(), m.GetProperty("delta").GetDecimal()))];
    }
}
