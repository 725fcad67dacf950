using System.Security.Cryptography;
using Microsoft.Net.Http.Headers;

namespace BazaarCstd.Api.Infrastructure;

/// <summary>
/// HTTP caching of reads (RFC 9110 §13, RFC 9111): an endpoint marked with <see cref="CacheableFor"/>
/// answers 200 with a strong <c>ETag</c> and <c>Cache-Control: private, max-age=…</c>, and a request
/// whose <c>If-None-Match</c> names the current tag gets 304 with no body — a till or dashboard that
/// polls a page pays the query but not the transfer, and its own cache may skip the request while
/// the copy is fresh. The tag is the row version where the handler set one (a product, a store),
/// else a hash of the body: the same answer gives the same tag, whoever asked, and any change of
/// content — a sale, a new alert, another page — gives a new one. <c>private</c> and
/// <c>Vary: Authorization</c> keep shared caches from handing one user's stores to another.
/// </summary>
public static class HttpCaching
{
    /// <summary>Marks a GET as cacheable for <paramref name="maxAge"/> (zero: always revalidate with If-None-Match).</summary>
    public static RouteHandlerBuilder CacheableFor(this RouteHandlerBuilder endpoint, TimeSpan maxAge) =>
        endpoint.WithMetadata(new HttpCachePolicy(maxAge));

    public static IApplicationBuilder UseHttpCaching(this IApplicationBuilder app) => app.Use(async (http, next) =>
    {
        if (http.GetEndpoint()?.Metadata.GetMetadata<HttpCachePolicy>() is not { } policy || !HttpMethods.IsGet(http.Request.Method))
        {
            await next(http);
            return;
        }

        // The answers are pages of bounded size (at most a few hundred rows), so holding one is cheap.
        var body = http.Response.Body;
        using var buffer = new MemoryStream();
        http.Response.Body = buffer;
        try
        {
            await next(http);
        }
        finally
        {
            http.Response.Body = body;
        }

        if (http.Response.StatusCode == StatusCodes.Status200OK)
        {
            var headers = http.Response.Headers;
            var tag = headers.ETag.Count > 0 ? headers.ETag.ToString() : Hash(buffer);
            headers.ETag = tag;
            headers.CacheControl = $"private, max-age={(long)policy.MaxAge.TotalSeconds}";
            headers.Append(HeaderNames.Vary, HeaderNames.Authorization);
            if (Matches(http.Request, tag))
            {
                http.Response.StatusCode = StatusCodes.Status304NotModified;
                headers.ContentType = default;
                headers.ContentLength = null;
                return;
            }
        }

        buffer.Position = 0;
        http.Response.ContentLength = buffer.Length;
        await buffer.CopyToAsync(body, http.RequestAborted);
    });

    /// <summary>If-None-Match compares weakly (RFC 9110 §13.1.2): <c>*</c> or any listed tag with the same opaque value.</summary>
    private static bool Matches(HttpRequest request, string tag)
    {
        if (request.Headers.IfNoneMatch.Count == 0
            || !EntityTagHeaderValue.TryParseList(request.Headers.IfNoneMatch, out var sent)
            || !EntityTagHeaderValue.TryParse(tag, out var current))
        {
            return false;
        }

        return sent.Any(s => s.Equals(EntityTagHeaderValue.Any) || s.Compare(current, useStrongComparison: false));
    }

    private static string Hash(MemoryStream body) =>
        $"\"{Convert.ToBase64String(SHA256.HashData(body.GetBuffer().AsSpan(0, (int)body.Length))[..16]).TrimEnd('=').Replace('+', '-').Replace('/', '_')}\"";

    /// <summary>The endpoint's freshness lifetime; see <see cref="CacheableFor"/>.</summary>
    public sealed record HttpCachePolicy(TimeSpan MaxAge);
}
