using Microsoft.AspNetCore.Mvc;
using Microsoft.Extensions.Options;

namespace BazaarCstd.Api.Infrastructure.RateLimiting;

/// <summary>
/// Applies <see cref="RateLimitPolicy"/> to each request. Every response of a limited request
/// carries the limit in the header fields of draft-ietf-httpapi-ratelimit-headers-07
/// (<c>RateLimit-Policy: 600;w=60</c>, <c>RateLimit: limit=600, remaining=599, reset=37</c>); the
/// request over the limit gets 429 <c>too-many-requests</c> with <c>Retry-After</c> in seconds.
/// While Redis is unreachable only <c>RateLimit-Policy</c> is sent and every request passes.
/// </summary>
public sealed class RateLimitMiddleware(RequestDelegate next, RateLimitCounter counter, IOptionsMonitor<RateLimitOptions> options)
{
    public const string PolicyHeader = "RateLimit-Policy";
    public const string LimitHeader = "RateLimit";

    public async Task InvokeAsync(HttpContext http)
    {
        var current = options.CurrentValue;
        if (RateLimitPolicy.Match(http, current) is not { } match)
        {
            await next(http);
            return;
        }

        var (policy, partition) = match;
        var headers = http.Response.Headers;
        headers[PolicyHeader] = $"{policy.Rule.PermitLimit};w={(long)policy.Rule.Window.TotalSeconds}";
        // Counted already with the token's revocation check (AuthSetup), or counted here.
        var window = http.Features.Get<RateLimitCounted>() is { } counted && counted.Policy == policy.Name
            ? counted.Window
            : await counter.HitAsync(policy, partition, current.FailOpenPause);
        if (window is not null)
        {
            headers[LimitHeader] = $"limit={policy.Rule.PermitLimit}, remaining={window.Remaining}, reset={window.ResetSeconds}";
            if (window.Exceeded)
            {
                await RejectAsync(http, policy, window);
                return;
            }
        }

        await next(http);
    }

    private static async Task RejectAsync(HttpContext http, RateLimitPolicy policy, RateLimitWindow window)
    {
        http.Response.StatusCode = StatusCodes.Status429TooManyRequests;
        http.Response.Headers.RetryAfter = window.ResetSeconds.ToString(System.Globalization.CultureInfo.InvariantCulture);
        var seconds = (long)policy.Rule.Window.TotalSeconds;
        var limit = policy.Name switch
        {
            RateLimitPolicy.Auth => $"At most {policy.Rule.PermitLimit} requests to /api/auth per {seconds} s from one client address",
            RateLimitPolicy.Reads => $"At most {policy.Rule.PermitLimit} reads per {seconds} s for one user",
            _ => $"At most {policy.Rule.PermitLimit} writes per {seconds} s for one user",
        };
        await http.RequestServices.GetRequiredService<IProblemDetailsService>().WriteAsync(new ProblemDetailsContext
        {
            HttpContext = http,
            ProblemDetails = new ProblemDetails
            {
                Status = StatusCodes.Status429TooManyRequests,
                Type = ProblemTypes.TooManyRequests,
                Title = "Too many requests.",
                Detail = $"{limit}; retry in {window.ResetSeconds} s.",
            },
        });
    }
}

/// <summary>This request was counted (or let through uncounted: <see cref="Window"/> null) under <see cref="Policy"/> during authentication.</summary>
public sealed record RateLimitCounted(string Policy, RateLimitWindow? Window);
