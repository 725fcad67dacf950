using System.Security.Claims;
using System.Security.Cryptography;
using System.Text;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;

namespace BazaarCstd.Api.Infrastructure.Idempotency;

/// <summary>
/// <c>Idempotency-Key</c> with Stripe semantics on every POST/PUT/PATCH/DELETE: the first response
/// for a key is stored and replayed (with <c>Idempotent-Replayed: true</c>) to any retry with the
/// same request; the same key with another request is 422; a retry that arrives while the first is
/// still running is 409. The write and the stored response commit in one transaction, so a retry
/// after a crash or a timeout either replays the response or finds nothing written.
/// </summary>
public sealed class IdempotencyFilter : IEndpointFilter
{
    public const string HeaderName = "Idempotency-Key";
    public const string ReplayedHeader = "Idempotent-Replayed";
    public const int MaxKeyLength = 255;

    public async ValueTask<object?> InvokeAsync(EndpointFilterInvocationContext context, EndpointFilterDelegate next)
    {
        var http = context.HttpContext;
        if (!IsWrite(http.Request.Method) || !http.Request.Headers.TryGetValue(HeaderName, out var values)
            || http.GetEndpoint()?.Metadata.GetMetadata<IdempotencyExemptAttribute>() is not null)
        {
            return await next(context);
        }

        var key = values.ToString();
        if (values.Count != 1 || key.Length is 0 or > MaxKeyLength || !key.All(c => c is > ' ' and <= '~'))
        {
            return Problem(StatusCodes.Status400BadRequest, ProblemTypes.BadRequest, "Invalid Idempotency-Key.",
                $"Send one key of 1 to {MaxKeyLength} visible ASCII characters, e.g. a UUID.");
        }

        var services = http.RequestServices;
        var keys = services.GetRequiredService<IdempotencyKeys>();
        var session = services.GetRequiredService<WriteSession>();
        var scope = Scope(http.User);
        var hash = await RequestHashAsync(http.Request);

        await using var connection = await session.Database.OpenConnectionAsync(http.RequestAborted);
        var claim = await keys.ClaimAsync(connection, scope, key, hash, http.RequestAborted);
        switch (claim.Outcome)
        {
            case IdempotencyKeys.Outcome.Replay:
                return claim.Response;
            case IdempotencyKeys.Outcome.Mismatch:
                return Problem(StatusCodes.Status422UnprocessableEntity, ProblemTypes.IdempotencyKeyReuse, "Idempotency-Key already used.",
                    "This key was used for a different request; use a new key for a new request.");
            case IdempotencyKeys.Outcome.InProgress:
                http.Response.Headers.RetryAfter = "1";
                return Problem(StatusCodes.Status409Conflict, ProblemTypes.IdempotencyInProgress, "Request in progress.",
                    "A request with this Idempotency-Key is still being processed; retry shortly to get its response.");
        }

        var transaction = await connection.BeginTransactionAsync(http.RequestAborted);
        session.Enlist(connection, transaction);
        object? result;
        var refused = false;
        try
        {
            result = await next(context);
        }
        catch (DomainException refusal)
        {
            // The domain said no: nothing was written, and the refusal is the answer a retry gets.
            result = TypedResults.Problem(ProblemExceptionHandler.ToProblem(refusal));
            refused = true;
        }
        catch
        {
            await transaction.DisposeAsync();
            await keys.ReleaseAsync(connection, scope, key, claim.Token);
            throw;
        }
        finally
        {
            session.Release();
        }

        if (refused)
        {
            await transaction.RollbackAsync(CancellationToken.None);
        }

        var response = await CaptureAsync(http, result);
        if (response.Status is < 400 or 404 or 409 or 412)
        {
            var stored = await keys.CompleteAsync(connection, refused ? null : transaction, scope, key, claim.Token, response);
            if (!refused)
            {
                if (!stored)
                {
                    await transaction.RollbackAsync(CancellationToken.None);
                    throw new DomainException(StatusCodes.Status409Conflict, ProblemTypes.IdempotencyInProgress, "Request in progress.",
                        "Another request took over this Idempotency-Key; retry to get its response.");
                }

                await transaction.CommitAsync(CancellationToken.None);
            }
        }
        else
        {
            // Validation and similar failures changed nothing: free the key so a corrected request can use it.
            if (!refused)
            {
                await transaction.RollbackAsync(CancellationToken.None);
            }

            await keys.ReleaseAsync(connection, scope, key, claim.Token);
        }

        await transaction.DisposeAsync();
        if (response.Body is not null)
        {
            await http.Response.WriteAsync(response.Body, Encoding.UTF8, CancellationToken.None);
        }

        return Results.Empty;
    }

    /// <summary>Keys belong to the caller; until sign-in exists every caller shares one scope.</summary>
    public static string Scope(ClaimsPrincipal user) =>
        user.FindFirstValue(ClaimTypes.NameIdentifier) ?? user.FindFirstValue("sub") ?? "anonymous";

    internal static bool IsWrite(string method) =>
        HttpMethods.IsPost(method) || HttpMethods.IsPut(method) || HttpMethods.IsPatch(method) || HttpMethods.IsDelete(method);

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

    /// <summary>Runs the handler's result into memory so it can be stored before anything reaches the client.</summary>
    private static async Task<StoredResponse> CaptureAsync(HttpContext http, object? result)
    {
        var original = http.Response.Body;
        using var buffer = new MemoryStream();
        http.Response.Body = buffer;
        try
        {
            await (result as IResult ?? TypedResults.Ok(result)).ExecuteAsync(http);
        }
        finally
        {
            http.Response.Body = original;
        }

        var body = buffer.Length == 0 ? null : Encoding.UTF8.GetString(buffer.ToArray());
        var location = http.Response.Headers.Location.ToString();
        return new StoredResponse(http.Response.StatusCode, body, location.Length == 0 ? null : location);
    }

    private static ProblemHttpResult Problem(int status, string type, string title, string detail) =>
        TypedResults.Problem(new ProblemDetails { Status = status, Type = type, Title = title, Detail = detail });
}

/// <summary>
/// Marks endpoints whose responses must not be stored (sign-in answers carry tokens) and which
/// need no replay protection: they ignore <c>Idempotency-Key</c>.
/// </summary>
[AttributeUsage(AttributeTargets.Method | AttributeTargets.Class)]
public sealed class IdempotencyExemptAttribute : Attribute;

public static class IdempotencyExtensions
{
    /// <summary>Lets the filter read the request body again after model binding consumed it.</summary>
    public static IApplicationBuilder UseIdempotencyKeys(this IApplicationBuilder app) => app.Use((http, next) =>
    {
        if (IdempotencyFilter.IsWrite(http.Request.Method) && http.Request.Headers.ContainsKey(IdempotencyFilter.HeaderName))
        {
            http.Request.EnableBuffering();
        }

        return next(http);
    });

    /// <summary>Applies <see cref="IdempotencyFilter"/> to every write endpoint in the group.</summary>
    public static RouteGroupBuilder WithIdempotencyKeys(this RouteGroupBuilder group)
    {
        group.AddEndpointFilter<IdempotencyFilter>();
        return group;
    }
}
