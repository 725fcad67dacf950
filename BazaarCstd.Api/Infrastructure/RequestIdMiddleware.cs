using System.Text.RegularExpressions;

namespace BazaarCstd.Api.Infrastructure;

/// <summary>
/// Echoes the caller's <c>X-Request-Id</c> (or the trace identifier when none, or an unusable one,
/// was sent) so a till's log line can be matched with ours. The same id names the request in the
/// audit log (<see cref="Of"/>).
/// </summary>
internal sealed partial class RequestIdMiddleware(RequestDelegate next)
{
    public const string HeaderName = "X-Request-Id";

    private static readonly object s_itemKey = new();

    /// <summary>The request id this middleware chose for <paramref name="context"/>.</summary>
    public static string? Of(HttpContext context) => context.Items[s_itemKey] as string;

    public Task InvokeAsync(HttpContext context)
    {
        var requested = context.Request.Headers[HeaderName].ToString();
        var requestId = SafeRequestId().IsMatch(requested) ? requested : context.TraceIdentifier;
        context.Items[s_itemKey] = requestId;
        context.Response.OnStarting(() =>
        {
            context.Response.Headers[HeaderName] = requestId;
            return Task.CompletedTask;
        });
        return next(context);
    }

    [GeneratedRegex("^[A-Za-z0-9._:-]{1,128}$")]
    private static partial Regex SafeRequestId();
}
