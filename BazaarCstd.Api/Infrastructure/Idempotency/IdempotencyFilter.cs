using System.Security.Claims;
using System.Security.Cryptography;
using System.Text;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;

namespace BazaarCstd.Api.Infrastructure.Idempotency;

/// <summary>
/// <c>Idempotency-Key</c> with Stripe semantics on every POST/PUT/PATCH/DELETE: the first response
/// for a key is stored and replayed (with <c>Idempotent-Replayed: true</c>) to any retry with the
/// same request; the same key with another request is 422. The claim, the write and the stored
/// response commit in one transaction owned by the request's <see cref="WriteSession"/> (two round
/// trips), so a retry after a crash or a timeout either replays the response or finds nothing written.
/// What is stored: whatever the handler answered once it reached the database, refusals included.
/// A request refused before that (validation) or failed by an unexpected error stores nothing, so
/// the key stays free for a corrected request.
/// </summary>
public sealed class IdempotencyFilter : IEndpointFilter
{
    public const string HeaderName = "Idempotency-Key";
    public const string ReplayedHeader = "Idempotent-Replayed";
    public const int MaxKeyLength = 255;

    public async ValueTask<object?> InvokeAsync(EndpointFilterInvocationContext context, EndpointFilterDelegate next)
    {
        var http = context.HttpContext;
        if (!IsKeyed(http, out var key))
        {
            return await next(context);
        }

        if (key is null)
        {
            return Problem(StatusCodes.Status400BadRequest, ProblemTypes.BadRequest, "Invalid Idempotency-Key.",
                $"Send one key of 1 to {MaxKeyLength} visible ASCII characters, e.g. a UUID.");
        }

        var request = new IdempotencyKeys.Key(Scope(http.User), key, await RequestHashAsync(http.Request));
        var session = http.RequestServices.GetRequiredService<WriteSession>();
        await session.BeginKeyedAsync(request, http.RequestAborted);
        try
        {
            var result = await next(context);
            return session.Claimed ? await CompleteAsync(session, http, result, refused: false) : result;
        }
        catch (DomainException refusal) when (session.Claimed)
        {
            // The domain said no: nothing was written, and the refusal is the answer a retry gets.
            return await CompleteAsync(session, http, TypedResults.Problem(ProblemExceptionHandler.ToProblem(refusal)), refused: true);
        }
        catch (Exception taken) when (IdempotencyKeyTakenException.IsIn(taken))
        {
            return await session.RollBackAndFindAsync() switch
            {
                { } stored when stored.RequestHash == request.RequestHash => stored.Response,
                { } => Problem(StatusCodes.Status422UnprocessableEntity, ProblemTypes.IdempotencyKeyReuse, "Idempotency-Key already used.",
                    "This key was used for a different request; use a new key for a new request."),
                null => InProgress(http),
            };
        }
    }

    /// <summary>Keys belong to the caller: the user id of the access token, or one shared scope for anonymous calls.</summary>
    public static string Scope(ClaimsPrincipal user) =>
        user.FindFirstValue(ClaimTypes.NameIdentifier) ?? user.FindFirstValue("sub") ?? "anonymous";

    internal static bool IsWrite(string method) =>
        HttpMethods.IsPost(method) || HttpMethods.IsPut(method) || HttpMethods.IsPatch(method) || HttpMethods.IsDelete(method);

    /// <summary>True when the request carries a key this filter handles; <paramref name="key"/> is null when it is unusable.</summary>
    private static bool IsKeyed(HttpContext http, out string? key)
    {
        key = null;
        if (!IsWrite(http.Request.Method) || !http.Request.Headers.TryGetValue(HeaderName, out var values)
            || http.GetEndpoint()?.Metadata.GetMetadata<IdempotencyExemptAttribute>() is not null)
        {
            return false;
        }

        var value = values.ToString();
        key = values.Count == 1 && value.Length is > 0 and <= MaxKeyLength && value.All(c => c is > ' ' and <= '~') ? value : null;
        return true;
    }

    private static async Task<object?> CompleteAsync(WriteSession session, HttpContext http, object? result, bool refused)
    {
        var response = await CaptureAsync(http, result);
        await session.CompleteAsync(response, refused);
        if (response.Body is not null)
        {
            await http.Response.WriteAsync(response.Body, Encoding.UTF8, CancellationToken.None);
        }

        return Results.Empty;
    }

    /// <summary>Only if the stored row vanished between the failed claim and the look-up (kept over 24 h and just deleted).</summary>
    private static ProblemHttpResult InProgress(HttpContext http)
    {
        http.Response.Headers.RetryAfter = "1";
        return Problem(StatusCodes.Status409Conflict, ProblemTypes.IdempotencyInProgress, "Request in progress.",
            "Another request with this Idempotency-Key changed state while this one ran; retry to get its response.");
    }

    private static async Task<string> RequestHashAsync(HttpRequest request)
    {
        using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        hash.AppendData(Encoding.UTF8.GetBytes($"{request.Method} {request.Path}{request.QueryString}\n"));
        if (request.Body.CanSeek)
        {
            request.Body.Position = 0;
            var buffer = new byte[8192];
            int read;
            while ((read = await request.Body.ReadAsync(buffer, request.HttpContext.RequestAborted)) > 0)
            {
                hash.AppendData(buffer, 0, read);
            }
        }

        return Convert.ToHexString(hash.GetHashAndReset());
    }

    /// <summary>
    /// Runs the handler's result into memory so it can be stored before anything reaches the client.
    /// The result runs as if the client were still there: ASP.NET Core's JSON writer writes nothing
    /// once <c>RequestAborted</c> has fired, and a till that gave up after the commit would then get
    /// an empty 201 replayed on every retry, never learning what it sold (found by bench/chaos.sh).
    /// </summary>
    private static async Task<StoredResponse> CaptureAsync(HttpContext http, object? result)
    {
        var original = http.Response.Body;
        var aborted = http.RequestAborted;
        using var buffer = new MemoryStream();
        http.Response.Body = buffer;
        http.RequestAborted = CancellationToken.None;
        try
        {
            await (result as IResult ?? TypedResults.Ok(result)).ExecuteAsync(http);
        }
        finally
        {
            http.Response.Body = original;
            http.RequestAborted = aborted;
        }

        var body = buffer.Length == 0 ? null : Encoding.UTF8.GetString(buffer.ToArray());
        var location = http.Response.Headers.Location.ToString();
        return new StoredResponse(http.Response.StatusCode, body, location.Length == 0 ? null : location);
    }

    private static ProblemHttpResult Problem(int status, string type, string title, string detail) =>
        TypedResults.Problem(new ProblemDetails { Status = status, Type = type, Title = title, Detail = detail });
}
