using System.Text;
using Microsoft.Net.Http.Headers;

namespace BazaarCstd.Api.Infrastructure.Idempotency;

/// <summary>A response kept for an idempotency key, and the result that replays it.</summary>
public sealed record StoredResponse(int Status, string? Body, string? Location) : IResult
{
    public async Task ExecuteAsync(HttpContext httpContext)
    {
        var response = httpContext.Response;
        response.StatusCode = Status;
        response.Headers[IdempotencyFilter.ReplayedHeader] = "true";
        if (Location is not null)
        {
            response.Headers.Location = Location;
        }

        if (Body is not null)
        {
            response.ContentType = Status >= 400 ? "application/problem+json" : "application/json; charset=utf-8";
            response.Headers[HeaderNames.CacheControl] = "no-store";
            await response.WriteAsync(Body, Encoding.UTF8);
        }
    }
}
