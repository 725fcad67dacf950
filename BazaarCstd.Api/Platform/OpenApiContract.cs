using BazaarCstd.Api.Infrastructure.Idempotency;
using Microsoft.AspNetCore.OpenApi;
using Microsoft.OpenApi;

namespace BazaarCstd.Api.Platform;

/// <summary>
/// What makes the OpenAPI document one a generated client can trust, beyond what the endpoints'
/// own metadata gives the generator: a title and tag descriptions, server URLs without a trailing
/// slash (a client appends <c>/api/…</c> to them), request schemas that require only what the API
/// requires (<see cref="RequestSchemaTransformer"/>), every problem answer typed as
/// <c>application/problem+json</c> with the ProblemDetails schema, and the <c>Idempotency-Key</c>
/// header with its 409/422 answers on every write that honours it. The tests lint the live
/// document with Redocly and validate the traffic of the test suite against it.
/// </summary>
internal static class OpenApiContract
{
    public const string ProblemSchema = "ProblemDetails";

    private static readonly Dictionary<string, string> TagDescriptions = new(StringComparer.Ordinal)
    {
        ["Auth"] = "Sign-in, token refresh, sign-out and the signed-in user's profile.",
        ["System"] = "The service's version and the state of its databases (administrators).",
        ["Products"] = "The chain's product catalog; writes are for administrators.",
        ["Stores"] = "The chain's stores and the stock of each; writes are for administrators.",
        ["Stock"] = "Stock movements (stock-in, sale, removal, batch, transfer, count) and stock levels.",
        ["Users"] = "User accounts, roles and store assignments (administrators).",
        ["Audit"] = "Every row change, as written by the database (administrators).",
        ["Alerts"] = "Low and out-of-stock alerts and the reorder thresholds that raise them.",
        ["Events"] = "The inventory event log: every stock, threshold and alert change, oldest first.",
        ["Admin"] = "Operations for administrators: dead-lettered messages and their replay.",
    };

    public static void AddBazaarContract(this OpenApiOptions options)
    {
        options.AddSchemaTransformer<RequestSchemaTransformer>();
        options.AddDocumentTransformer<AnyJsonSchemaTransformer>();

        options.AddDocumentTransformer((document, _, _) =>
        {
            document.Info.Title = "BazaarCSTD inventory API";
            document.Info.Description =
                "Stock of a retail chain, derived from immutable movements. Sign in with POST /api/auth/login and send "
                + "the accessToken as a Bearer token. Errors are RFC 9457 application/problem+json. Every write honours "
                + "an Idempotency-Key header: a retry with the same key and body replays the first answer.";
            foreach (var server in document.Servers ?? [])
            {
                server.Url = server.Url?.TrimEnd('/');
            }

            // Every problem this API writes carries the trace id (AddProblemDetails in ServiceDefaults);
            // a client shows it to the user to quote. Other extension members stay undeclared, as RFC 9457 allows.
            foreach (var name in new[] { ProblemSchema, "HttpValidationProblemDetails" })
            {
                if (document.Components?.Schemas?.TryGetValue(name, out var problem) == true && problem is OpenApiSchema { Properties: { } members })
                {
                    members.TryAdd("traceId", new OpenApiSchema { Type = JsonSchemaType.String, Description = "Identifies the request in the logs and traces; quote it when reporting a problem." });
                }
            }

            document.Tags ??= new HashSet<OpenApiTag>();
            foreach (var tag in document.Tags)
            {
                if (tag.Name is not null && TagDescriptions.TryGetValue(tag.Name, out var description))
                {
                    tag.Description ??= description;
                }
            }

            return Task.CompletedTask;
        });

        options.AddOperationTransformer((operation, context, _) =>
        {
            var method = context.Description.HttpMethod ?? "";
            var metadata = context.Description.ActionDescriptor.EndpointMetadata;
            if (IdempotencyFilter.IsWrite(method) && !metadata.OfType<IdempotencyExemptAttribute>().Any())
            {
                operation.Parameters ??= [];
                operation.Parameters.Add(new OpenApiParameter
                {
                    Name = IdempotencyFilter.HeaderName,
                    In = ParameterLocation.Header,
                    Description = "Makes a retry safe: the same key with the same request replays the first answer "
                        + "(with Idempotent-Replayed: true) for 24 hours. 1 to 255 visible ASCII characters, e.g. a UUID.",
                    Schema = new OpenApiSchema { Type = JsonSchemaType.String, MinLength = 1, MaxLength = IdempotencyFilter.MaxKeyLength },
                });
                operation.Responses ??= new OpenApiResponses();
                operation.Responses.TryAdd("409", Problem("A conflict; with an Idempotency-Key, also: a request with this key is still running (retry after Retry-After)."));
                operation.Responses.TryAdd("422", Problem("The Idempotency-Key was already used for a different request."));
                operation.Responses.TryAdd("400", Problem("The request is not valid."));
            }

            if (IdempotencyFilter.IsWrite(method) && context.Description.RelativePath?.StartsWith("api/", StringComparison.OrdinalIgnoreCase) == true)
            {
                // Every write lands in a month-partitioned table (movements, or the audit log its
                // triggers write); without this month's partition it is refused. A write that waited
                // the connection timeout for a pooled connection is refused too (ProblemExceptionHandler).
                operation.Responses ??= new OpenApiResponses();
                operation.Responses.TryAdd("503", RetryLater(
                    "Nothing was stored: the database has no storage for this month yet (type storage-not-ready), "
                    + "or every database connection stayed busy while the request waited (type busy); retry after Retry-After seconds."));
            }

            if (HttpMethods.IsGet(method) && context.Description.RelativePath?.StartsWith("api/", StringComparison.OrdinalIgnoreCase) == true)
            {
                // Reads run under a statement timeout (ReadDatabase.StatementTimeout; ProblemExceptionHandler).
                operation.Responses ??= new OpenApiResponses();
                operation.Responses.TryAdd("503", RetryLater(
                    $"The read took longer than {Infrastructure.Replica.ReadDatabase.StatementTimeout.TotalSeconds:0} s and was stopped; "
                    + "narrow it (a store, a product, a shorter period) or retry after Retry-After seconds."));
            }

            if (metadata.OfType<Infrastructure.HttpCaching.HttpCachePolicy>().LastOrDefault() is { } cache)
            {
                operation.Parameters ??= [];
                operation.Parameters.Add(new OpenApiParameter
                {
                    Name = "If-None-Match",
                    In = ParameterLocation.Header,
                    Description = "The ETag of the copy you hold: 304 with no body while it is current.",
                    Schema = new OpenApiSchema { Type = JsonSchemaType.String },
                });
                operation.Responses ??= new OpenApiResponses();
                if (operation.Responses.TryGetValue("200", out var ok) && ok is OpenApiResponse okResponse)
                {
                    okResponse.Headers ??= new Dictionary<string, IOpenApiHeader>();
                    okResponse.Headers.TryAdd("ETag", new OpenApiHeader
                    {
                        Description = "A strong tag of this answer; send it in If-None-Match to revalidate.",
                        Schema = new OpenApiSchema { Type = JsonSchemaType.String },
                    });
                    okResponse.Headers.TryAdd("Cache-Control", new OpenApiHeader
                    {
                        Description = $"private, max-age={(long)cache.MaxAge.TotalSeconds}: "
                            + (cache.MaxAge == TimeSpan.Zero ? "revalidate before every use." : $"usable for {(long)cache.MaxAge.TotalSeconds} s without asking."),
                        Schema = new OpenApiSchema { Type = JsonSchemaType.String },
                    });
                }

                operation.Responses.TryAdd("304", new OpenApiResponse { Description = "Not modified: the copy whose ETag you sent in If-None-Match is current; no body." });
            }

            if (operation.RequestBody is not null)
            {
                operation.Responses ??= new OpenApiResponses();
                operation.Responses.TryAdd("415", Problem("The body is not application/json."));
                var limit = metadata.OfType<Microsoft.AspNetCore.Http.Metadata.IRequestSizeLimitMetadata>().LastOrDefault()?.MaxRequestBodySize
                    ?? Infrastructure.RequestBodyLimit.Default;
                operation.Responses.TryAdd("413", Problem($"The body is larger than the {limit / 1024} KB this operation takes; nothing was read or written."));
            }

            // Every error answer of this API is a problem document: give the ones the generator or the
            // transformers left without a schema the ProblemDetails one.
            foreach (var (status, response) in operation.Responses ?? [])
            {
                if (status.StartsWith('4') || status.StartsWith('5'))
                {
                    if (response.Content is null)
                    {
                        continue;
                    }

                    if (response.Content.Remove("application/json", out var wrong) && !response.Content.ContainsKey("application/problem+json"))
                    {
                        response.Content["application/problem+json"] = wrong;
                    }

                    foreach (var media in response.Content.Values)
                    {
                        media.Schema ??= new OpenApiSchemaReference(ProblemSchema, context.Document);
                    }
                }
            }

            return Task.CompletedTask;
        });
    }

    /// <summary>A problem that says, in <c>Retry-After</c>, how many seconds to wait (the 503s here, the 429 of <c>OpenApiSecurity</c>).</summary>
    public static OpenApiResponse RetryLater(string description, string wait = "Seconds to wait before retrying.")
    {
        var problem = Problem(description);
        problem.Headers = new Dictionary<string, IOpenApiHeader>
        {
            ["Retry-After"] = new OpenApiHeader
            {
                Description = wait,
                Schema = new OpenApiSchema { Type = JsonSchemaType.Integer },
            },
        };
        return problem;
    }

    public static OpenApiResponse Problem(string description) => new()
    {
        Description = description,
        Content = new Dictionary<string, OpenApiMediaType>
        {
            ["application/problem+json"] = new OpenApiMediaType(),
        },
    };
}
