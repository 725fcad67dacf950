using Microsoft.AspNetCore.Http.Features;
using Microsoft.AspNetCore.Http.Metadata;
using Microsoft.AspNetCore.Mvc;

namespace BazaarCstd.Api.Infrastructure;

/// <summary>
/// Caps every request body before anything reads, parses or spools it (model binding, the
/// idempotency hash): <see cref="Default"/> unless the endpoint says otherwise with
/// <see cref="WithBodyLimit"/>. A declared <c>Content-Length</c> over the cap is a 413 problem at once;
/// a chunked body is cut off by the server when it passes the cap (also 413). Nothing is written.
/// </summary>
public static class RequestBodyLimit
{
    /// <summary>A single movement, a count, a product, a store: a few KB; this leaves room for the longest notes.</summary>
    public const long Default = 16 * 1024;

    /// <summary>Endpoints with a larger body (a 100-line batch, a 1,000-store assignment) say how large.</summary>
    public static RouteHandlerBuilder WithBodyLimit(this RouteHandlerBuilder endpoint, long bytes) =>
        endpoint.WithMetadata(new RequestSizeLimitAttribute(bytes));

    public static IApplicationBuilder UseRequestBodyLimits(this IApplicationBuilder app) => app.Use(async (http, next) =>
    {
        var limit = http.GetEndpoint()?.Metadata.GetMetadata<IRequestSizeLimitMetadata>()?.MaxRequestBodySize ?? Default;
        if (http.Request.ContentLength > limit)
        {
            await TypedResults.Problem(new ProblemDetails
            {
                Status = StatusCodes.Status413PayloadTooLarge,
                Type = ProblemTypes.PayloadTooLarge,
                Title = "The request body is too large.",
                Detail = $"This endpoint takes at most {limit:N0} bytes; the body has {http.Request.ContentLength:N0}.",
            }).ExecuteAsync(http);
            return;
        }

        if (http.Features.Get<IHttpMaxRequestBodySizeFeature>() is { IsReadOnly: false } size)
        {
            size.MaxRequestBodySize = limit;
        }

        await next(http);
    });
}
