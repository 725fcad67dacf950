using System.Collections.Concurrent;
using System.Net.Http.Json;
using System.Text;

namespace BazaarCstd.Web.Tests.Infrastructure;

/// <summary>
/// Stands in for the API in component and unit tests: records every request (with its body) and
/// answers with what the test queued, optionally holding the answer until the test releases it.
/// </summary>
public sealed class FakeApi : HttpMessageHandler
{
    private readonly ConcurrentQueue<Func<HttpRequestMessage, HttpResponseMessage>> _answers = new();

    public ConcurrentQueue<(HttpRequestMessage Request, string Body)> Requests { get; } = new();

    /// <summary>When set, every answer waits for it.</summary>
    public TaskCompletionSource? Gate { get; set; }

    /// <summary>Queues an answer; <paramref name="etag"/> (quoted) goes in its <c>ETag</c> header.</summary>
    public void Answer(HttpStatusCode status, object body, string mediaType = "application/json", string? etag = null) =>
        _answers.Enqueue(_ =>
        {
            var response = new HttpResponseMessage(status)
            {
                Content = new StringContent(System.Text.Json.JsonSerializer.Serialize(body, System.Text.Json.JsonSerializerOptions.Web), Encoding.UTF8, mediaType),
            };
            if (etag is not null)
            {
                response.Headers.ETag = new System.Net.Http.Headers.EntityTagHeaderValue(etag);
            }

            return response;
        });

    public HttpClient Client() => new(this) { BaseAddress = new Uri("http://api.test") };

    protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        var body = request.Content is null ? "" : await request.Content.ReadAsStringAsync(cancellationToken);
        Requests.Enqueue((request, body));
        if (Gate is { } gate)
        {
            await gate.Task.WaitAsync(cancellationToken);
        }

        return _answers.TryDequeue(out var answer)
            ? answer(request)
            : new HttpResponseMessage(HttpStatusCode.InternalServerError) { Content = JsonContent.Create(new { title = "No answer queued." }) };
    }
}
