using System.Text.RegularExpressions;

namespace BazaarCstd.Api.Infrastructure;

/// <summary>
/// Echoes the caller's <c>X-Request-Id</c> (or the trace identifier when none, or an unusable one,
/// was sent) so a till's log line can be matched with ours.
/// </summary>
internal sealed partial class RequestIdMiddleware(RequestDelegate next)
{
    public const string HeaderName = "X-Request-Id";

    public Task InvokeAsync(HttpContext context)
    {
        var requested = context.Request.Headers[HeaderName].ToString();
        var requestId = SafeRequestId().IsMatch(requested) ? requested : context.TraceIdentifier;
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
