using System.Collections.Concurrent;
using System.Net.Http.Headers;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using BazaarCstd.Contracts;
using Json.Schema;

namespace BazaarCstd.IntegrationTests.Infrastructure;

/// <summary>
/// Checks the traffic of the test clients against the API's own OpenAPI document, the way a
/// generated client would meet it: every answer under <c>/api</c> must have a documented status and
/// media type and a body that validates against the documented schema (with no member the schema
/// does not declare, except in problem documents, which RFC 9457 lets carry extensions), and every
/// request body the API accepted (2xx) must validate against the operation's request schema (a
/// schema stricter than the API makes a generated client refuse what the API takes). What does not
/// match is recorded as a violation, never thrown, so the tests that made the traffic run as before.
/// </summary>
public sealed partial class OpenApiTraffic(Func<DistributedApplication> app)
{
    public const string DocumentPath = "/openapi/v1.json";

    private readonly ConcurrentQueue<string> _violations = new();
    private readonly ConcurrentDictionary<string, byte> _exercised = new(StringComparer.Ordinal);
    private readonly SemaphoreSlim _gate = new(1, 1);
    private Contract? _contract;

    /// <summary>What did not match the document, one line each, in the order seen.</summary>
    public IReadOnlyList<string> Violations => [.. _violations];

    /// <summary>"METHOD /path/{template}" of every documented operation that answered.</summary>
    public IReadOnlyCollection<string> Exercised => [.. _exercised.Keys];

    /// <summary>A handler for a test client's pipeline; put it last, just before the socket handler.</summary>
    public DelegatingHandler CreateHandler(HttpMessageHandler inner) => new Checker(this) { InnerHandler = inner };

    /// <summary>Every operation of the document, as "METHOD /path/{template}".</summary>
    public async Task<IReadOnlyList<string>> OperationsAsync(CancellationToken ct = default) =>
        (await ContractAsync(ct)).Operations.Select(o => o.Key).ToList();

    /// <summary>Checks one exchange (what the handler does); public so a test can feed it a made-up answer.</summary>
    public async Task CheckAsync(string method, string path, string? requestBody, int status, string? mediaType, string responseBody, CancellationToken ct = default, string? otherBodyType = null)
    {
        var contract = await ContractAsync(ct);
        var where = $"{method} {path} → {status}";
        var operation = contract.Find(method, path);
        if (operation is null)
        {
            if (status is not (404 or 405))
            {
                _violations.Enqueue($"{where}: no such operation in the document");
            }

            return;
        }

        _exercised.TryAdd(operation.Key, 0);
        var responses = operation.Node["responses"]?.AsObject();
        var response = responses?[status.ToString(System.Globalization.CultureInfo.InvariantCulture)] ?? responses?[$"{status / 100}XX"] ?? responses?["default"];
        if (response is null)
        {
            _violations.Enqueue($"{where}: status {status} is not documented for {operation.Key} (documented: {string.Join(", ", responses?.Select(r => r.Key) ?? [])})");
            return;
        }

        var content = response["content"]?.AsObject();
        if (responseBody.Length > 0)
        {
            var media = mediaType is null ? null : content?[mediaType];
            if (media is null)
            {
                _violations.Enqueue($"{where}: a {mediaType} body is not documented (documented: {string.Join(", ", content?.Select(c => c.Key) ?? ["none"])})");
            }
            else if (media["schema"] is { } schema)
            {
                var strict = mediaType != "application/problem+json";
                Validate(contract, where, "response", schema, responseBody, strict);
            }
        }
        else if (content?.Any(c => c.Value?["schema"] is not null) == true && method != "HEAD" && status is not (204 or 304))
        {
            _violations.Enqueue($"{where}: the documented body is missing");
        }

        if (status is >= 200 and < 300)
        {
            var body = operation.Node["requestBody"];
            if (requestBody is not null)
            {
                if (body?["content"]?["application/json"]?["schema"] is { } schema)
                {
                    Validate(contract, where, "accepted request", schema, requestBody, strict: false);
                }
                else
                {
                    _violations.Enqueue($"{where}: the API accepted a JSON body the document does not describe");
                }
            }
            else if (otherBodyType is not null)
            {
                // A body that is not JSON (a CSV upload) is not read here; its media type must be documented.
                if (body?["content"]?[otherBodyType] is null)
                {
                    _violations.Enqueue($"{where}: the API accepted a {otherBodyType} body the document does not describe");
                }
            }
            else if (body?["required"]?.GetValue<bool>() == true)
            {
                _violations.Enqueue($"{where}: the API accepted no body where the document requires one");
            }
        }
    }

    private void Validate(Contract contract, string where, string what, JsonNode schema, string json, bool strict)
    {
        JsonDocument instance;
        try
        {
            instance = JsonDocument.Parse(json);
        }
        catch (JsonException ex)
        {
            _violations.Enqueue($"{where}: the {what} body is not JSON: {ex.Message}");
            return;
        }

        using (instance)
        {
            var results = contract.Schema(schema, strict).Evaluate(instance.RootElement, new EvaluationOptions { OutputFormat = OutputFormat.List });
            if (!results.IsValid)
            {
                var errors = (results.Details ?? [results])
                    .Where(d => d.Errors is { Count: > 0 })
                    .SelectMany(d => d.Errors!.Select(e => $"{d.InstanceLocation} {e.Key}: {e.Value}"))
                    .Distinct()
                    .Take(8);
                _violations.Enqueue($"{where}: the {what} body does not match its schema: {string.Join("; ", errors)} — body: {Shorten(json)}");
            }
        }
    }

    private static string Shorten(string text) => text.Length <= 400 ? text : text[..400] + "…";

    private async Task<Contract> ContractAsync(CancellationToken ct)
    {
        if (_contract is { } ready)
        {
            return ready;
        }

        await _gate.WaitAsync(ct);
        try
        {
            if (_contract is null)
            {
                using var http = new HttpClient { BaseAddress = app().GetEndpoint(ResourceNames.Api, "http") };
                _contract = new Contract(JsonNode.Parse(await http.GetStringAsync(DocumentPath, ct))!.AsObject());
            }

            return _contract;
        }
        finally
        {
            _gate.Release();
        }
    }

    private sealed class Checker(OpenApiTraffic owner) : DelegatingHandler
    {
        protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken ct)
        {
            var path = request.RequestUri?.IsAbsoluteUri == true ? request.RequestUri.AbsolutePath : null;
            if (path is null || !path.StartsWith("/api/", StringComparison.Ordinal))
            {
                return await base.SendAsync(request, ct);
            }

            string? requestBody = null;
            if (request.Content is not null && IsJson(request.Content.Headers.ContentType))
            {
                await request.Content.LoadIntoBufferAsync(ct);
                requestBody = await request.Content.ReadAsStringAsync(ct);
            }

            var response = await base.SendAsync(request, ct);
            try
            {
                await response.Content.LoadIntoBufferAsync(ct);
                var body = await response.Content.ReadAsStringAsync(ct);
                await owner.CheckAsync(request.Method.Method, path, requestBody, (int)response.StatusCode,
                    response.Content.Headers.ContentType?.MediaType, body, ct,
                    requestBody is null ? request.Content?.Headers.ContentType?.MediaType : null);
            }
            catch (Exception ex) when (ex is not OperationCanceledException)
            {
                owner._violations.Enqueue($"{request.Method} {path}: the check itself failed: {ex.GetType().Name}: {ex.Message}");
            }

            return response;
        }

        private static bool IsJson(MediaTypeHeaderValue? type) =>
            type?.MediaType is { } media && (media == "application/json" || media.EndsWith("+json", StringComparison.Ordinal));
    }

    /// <summary>The document's operations and its schemas, built for JSON Schema 2020-12 (which OpenAPI 3.1 uses).</summary>
    private sealed partial class Contract
    {
        private readonly JsonObject _definitions;
        private readonly JsonObject _strictDefinitions;
        private readonly ConcurrentDictionary<string, JsonSchema> _schemas = new(StringComparer.Ordinal);

        public Contract(JsonObject document)
        {
            Operations = [.. document["paths"]!.AsObject()
                .SelectMany(path => path.Value!.AsObject().Select(op => new Operation(
                    $"{op.Key.ToUpperInvariant()} {path.Key}",
                    op.Key.ToUpperInvariant(),
                    new Regex("^" + Parameter().Replace(Regex.Escape(path.Key).Replace(@"\{", "{", StringComparison.Ordinal), "[^/]+") + "$"),
                    path.Key.Count(c => c == '{'),
                    op.Value!.AsObject())))
                .OrderBy(o => o.Parameters)];
            var schemas = document["components"]?["schemas"]?.ToJsonString() ?? "{}";
            _definitions = Retarget(schemas);
            _strictDefinitions = Retarget(schemas);
            foreach (var (name, schema) in _strictDefinitions)
            {
                if (!name.Contains("ProblemDetails", StringComparison.Ordinal))
                {
                    Close(schema);
                }
            }
        }

        public IReadOnlyList<Operation> Operations { get; }

        /// <summary>Routing ignores a trailing slash (<c>/api/products/</c> is <c>/api/products</c>), and so does this.</summary>
        public Operation? Find(string method, string path)
        {
            var route = path.Length > 1 ? path.TrimEnd('/') : path;
            return Operations.FirstOrDefault(o => o.Method == method && o.Pattern.IsMatch(route));
        }

        public JsonSchema Schema(JsonNode schema, bool strict)
        {
            var text = schema.ToJsonString();
            return _schemas.GetOrAdd((strict ? "strict:" : "") + text, _ =>
            {
                var root = Retarget(text);
                if (strict)
                {
                    Close(root);
                }

                root["$schema"] = "https://json-schema.org/draft/2020-12/schema";
                root["$defs"] = (strict ? _strictDefinitions : _definitions).DeepClone();
                // Schemas register globally by base URI: a fresh one each time.
                var id = new Uri($"https://contract.bazaar.test/{Guid.NewGuid():N}");
                return JsonSchema.FromText(root.ToJsonString(), baseUri: id);
            });
        }

        /// <summary>The document's references point into components; a stand-alone schema keeps them in $defs.</summary>
        private static JsonObject Retarget(string json) =>
            JsonNode.Parse(json.Replace("\"#/components/schemas/", "\"#/$defs/", StringComparison.Ordinal))!.AsObject();

        /// <summary>Refuses members the schema does not declare, in this object schema and those nested in it.</summary>
        private static void Close(JsonNode? node)
        {
            switch (node)
            {
                case JsonObject obj:
                    if (obj["properties"] is JsonObject && !obj.ContainsKey("additionalProperties"))
                    {
                        obj["additionalProperties"] = false;
                    }

                    foreach (var (key, child) in obj.ToList())
                    {
                        if (key is not ("properties" or "additionalProperties" or "default" or "example" or "enum" or "const"))
                        {
                            Close(child);
                        }
                        else if (key == "properties" && child is JsonObject properties)
                        {
                            foreach (var (_, property) in properties)
                            {
                                Close(property);
                            }
                        }
                    }

                    break;
                case JsonArray array:
                    foreach (var item in array)
                    {
                        Close(item);
                    }

                    break;
            }
        }

        [GeneratedRegex(@"\{[^}/]+\}")]
        private static partial Regex Parameter();
    }

    private sealed record Operation(string Key, string Method, Regex Pattern, int Parameters, JsonObject Node);
}
