using System.Net;
using BazaarCstd.Api.Auth;
using BazaarCstd.Api.Infrastructure.Idempotency;

namespace BazaarCstd.Api.Infrastructure.RateLimiting;

/// <summary>A named limit and the partition (whose budget) one request is counted in.</summary>
public sealed record RateLimitPolicy(string Name, RateLimitRule Rule)
{
    public const string Writes = "writes";
    public const string Reads = "reads";
    public const string Auth = "auth";

    /// <summary>
    /// The policy a request falls under, if any. <c>/api/auth/*</c> is counted per client address
    /// (sign-in attempts come before there is a user); other requests under <c>/api</c> per signed-in
    /// user, writes and reads in budgets of their own. Anonymous requests outside <c>/api/auth</c>
    /// (refused with 401 anyway) and <c>/health</c>, <c>/alive</c>, OpenAPI and Scalar are not counted.
    /// </summary>
    public static (RateLimitPolicy Policy, string Partition)? Match(HttpContext http, RateLimitOptions options)
    {
        var path = http.Request.Path;
        if (path.StartsWithSegments("/api/auth", StringComparison.OrdinalIgnoreCase))
        {
            return (new RateLimitPolicy(Auth, options.Auth), ClientAddress(http.Connection.RemoteIpAddress));
        }

        return http.User.Id() is { } userId ? ForUser(http, userId, options) : null;
    }

    /// <summary>
    /// The policy of a request under <c>/api</c> (not <c>/api/auth</c>) by <paramref name="userId"/>:
    /// what <see cref="Match"/> gives once authentication has set the user. Null for other paths.
    /// </summary>
    public static (RateLimitPolicy Policy, string Partition)? ForUser(HttpContext http, Guid userId, RateLimitOptions options)
    {
        var path = http.Request.Path;
        if (!path.StartsWithSegments("/api", StringComparison.OrdinalIgnoreCase) || path.StartsWithSegments("/api/auth", StringComparison.OrdinalIgnoreCase))
        {
            return null;
        }

        return IdempotencyFilter.IsWrite(http.Request.Method)
            ? (new RateLimitPolicy(Writes, options.Writes), userId.ToString("N"))
            : (new RateLimitPolicy(Reads, options.Reads), userId.ToString("N"));
    }

    /// <summary>
    /// The TCP peer's address. Forwarded headers are not trusted here; when published behind the
    /// platform's ingress the AppHost sets <c>ASPNETCORE_FORWARDEDHEADERS_ENABLED</c>, and ASP.NET
    /// Core's forwarded-headers middleware rewrites <see cref="ConnectionInfo.RemoteIpAddress"/>
    /// from the ingress's <c>X-Forwarded-For</c> before this runs.
    /// </summary>
    internal static string ClientAddress(IPAddress? address) => address switch
    {
        null => "unknown",
        { IsIPv4MappedToIPv6: true } => address.MapToIPv4().ToString(),
        _ => address.ToString(),
    };
}
