using System.Text.Json;
using System.Text.RegularExpressions;
using Microsoft.AspNetCore.Diagnostics;
using Microsoft.AspNetCore.Mvc;

namespace BazaarCstd.Api.Infrastructure;

/// <summary>
/// Turns exceptions into RFC 9457 problem responses. Known failures keep their meaning (a request
/// body that cannot be read is the client's 400); anything else is logged and answered with a
/// generic 500 that never carries a stack trace.
/// </summary>
internal sealed partial class ProblemExceptionHandler(IProblemDetailsService problemDetails, ILogger<ProblemExceptionHandler> logger) : IExceptionHandler
{
    public async ValueTask<bool> TryHandleAsync(HttpContext httpContext, Exception exception, CancellationToken cancellationToken)
    {
        var problem = exception switch
        {
            BadHttpRequestException bad => BindingProblem(bad),
            DomainException domain => ToProblem(domain),
            DependencyUnavailableException down => Unavailable(httpContext, down),
            _ when IsReadTimeout(exception) => ReadTimedOut(httpContext),
            _ when IsPoolExhausted(exception) => Busy(httpContext),
            _ when MissingPartition(exception) is { } table => StorageNotReady(httpContext, table),
            _ => null,
        };

        if (problem is null)
        {
            logger.LogError(exception, "Unhandled exception on {Method} {Path}", httpContext.Request.Method, httpContext.Request.Path);
            problem = new ProblemDetails
            {
                Status = StatusCodes.Status500InternalServerError,
                Type = ProblemTypes.Internal,
                Title = "An unexpected error occurred.",
                Detail = "The error has been logged; quote the traceId when reporting it.",
            };
        }

        httpContext.Response.StatusCode = problem.Status!.Value;
        if (problem.Status == StatusCodes.Status422UnprocessableEntity || problem.Status >= 500)
        {
            httpContext.Response.Headers.CacheControl = "no-store";
        }

        return await problemDetails.TryWriteAsync(new ProblemDetailsContext
        {
            HttpContext = httpContext,
            ProblemDetails = problem,
        });
    }

    /// <summary>
    /// A request the framework could not bind. "Failed to bind parameter "Nullable&lt;DateTimeOffset&gt;
    /// From" from "yesterday"" names a CLR type; the client gets the parameter, what it must be, and
    /// an <c>errors</c> entry like a validation problem. Other messages (a body that is not JSON, a
    /// missing required value) are already plain and pass through.
    /// </summary>
    internal static ProblemDetails BindingProblem(BadHttpRequestException bad)
    {
        var problem = new ProblemDetails
        {
            Status = bad.StatusCode,
            Type = ProblemTypes.BadRequest,
            Title = "The request could not be read.",
            Detail = bad.Message,
        };
        if (FailedBinding().Match(bad.Message) is { Success: true } match)
        {
            var name = JsonNamingPolicy.CamelCase.ConvertName(match.Groups["name"].Value);
            var value = match.Groups["value"].Value;
            value = value.Length > 64 ? string.Concat(value.AsSpan(0, 64), "…") : value;
            var message = $"must be {Expected(match.Groups["type"].Value)}; \"{value}\" is not.";
            problem.Detail = $"'{name}' {message}";
            problem.Extensions["errors"] = new Dictionary<string, string[]> { [name] = [message] };
        }

        return problem;
    }

    private static string Expected(string type) => type.Replace("Nullable<", "", StringComparison.Ordinal).TrimEnd('>') switch
    {
        "DateTimeOffset" or "DateTime" => "a date and time in ISO 8601 (e.g. 2026-11-25T08:00:00Z)",
        "DateOnly" => "a date in ISO 8601 (e.g. 2026-11-25)",
        "Guid" => "a UUID",
        "int" or "long" or "short" or "Int32" or "Int64" or "Int16" => "a whole number",
        "decimal" or "double" or "float" or "Decimal" or "Double" or "Single" => "a number",
        "bool" or "Boolean" => "true or false",
        var other => $"a valid {other}",
    };

    [GeneratedRegex("^Failed to bind parameter \"(?<type>[^\" ]+) (?<name>[^\"]+)\" from \"(?<value>.*)\"\\.?$", RegexOptions.Singleline)]
    private static partial Regex FailedBinding();

    /// <summary>
    /// The month a row belongs to has no partition (the Worker creates them months ahead; it has not
    /// run for that long, or a partition was detached). Nothing was written — the statement failed —
    /// so the client may retry once the Worker's next maintenance run (or an operator) has made the
    /// partition: 503 with Retry-After, and
    /// an error in the log naming the table, instead of a 500.
    /// </summary>
    private ProblemDetails StorageNotReady(HttpContext http, string table)
    {
        logger.LogError("No partition of {Table} for this month: run the Worker's maintenance (bazaar.ensure_movement_partitions). {Method} {Path} was refused.",
            table, http.Request.Method, http.Request.Path);
        return RetryLater(http, 60, ProblemTypes.StorageNotReady, "This change cannot be stored right now.",
            "The database has no storage for this month yet. Nothing was recorded; retry later. The error has been logged.");
    }

    /// <summary>The server stopped a read at <see cref="Replica.ReadDatabase.StatementTimeout"/> (57014 query_canceled).</summary>
    private static bool IsReadTimeout(Exception exception) =>
        Postgres(exception) is { SqlState: Npgsql.PostgresErrorCodes.QueryCanceled };

    private ProblemDetails ReadTimedOut(HttpContext http)
    {
        logger.LogWarning("{Method} {Path}{Query} was stopped at the read statement timeout", http.Request.Method, http.Request.Path, http.Request.QueryString.Value);
        return RetryLater(http, 5, ProblemTypes.ReadTimeout, "The read took too long.",
            $"It was stopped after {Replica.ReadDatabase.StatementTimeout.TotalSeconds:0} s. Narrow it (a store, a product, a shorter period) or try again later.");
    }

    /// <summary>
    /// No pooled connection came free within the connection timeout: every one of the replica's
    /// connections stayed busy, so the request never reached the database. Npgsql says so with an
    /// <see cref="Npgsql.NpgsqlException"/> that is not a server error and wraps a <see cref="TimeoutException"/>.
    /// </summary>
    internal static bool IsPoolExhausted(Exception exception) =>
        Chain(exception).Any(e => e is Npgsql.NpgsqlException and not Npgsql.PostgresException
            && e.Message.StartsWith("The connection pool has been exhausted", StringComparison.Ordinal));

    private ProblemDetails Busy(HttpContext http)
    {
        logger.LogWarning("{Method} {Path} waited for a database connection until the connection timeout; refused with 503", http.Request.Method, http.Request.Path);
        return RetryLater(http, 1, ProblemTypes.Busy, "The service is busy.",
            "Every database connection stayed in use while this request waited. Nothing was recorded; retry shortly.");
    }

    /// <summary>A dependency failed its part; nothing was done. A warning: the dependency's own health check says whether it is down.</summary>
    private ProblemDetails Unavailable(HttpContext http, DependencyUnavailableException down)
    {
        logger.LogWarning(down.InnerException, "{Method} {Path} was refused: {Detail}", http.Request.Method, http.Request.Path, down.Message);
        return RetryLater(http, 5, down.Type, down.Title, down.Message);
    }

    /// <summary>A 503: nothing was done, and <c>Retry-After</c> says when to try again.</summary>
    private static ProblemDetails RetryLater(HttpContext http, int seconds, string type, string title, string detail)
    {
        http.Response.Headers.RetryAfter = seconds.ToString(System.Globalization.CultureInfo.InvariantCulture);
        return new ProblemDetails { Status = StatusCodes.Status503ServiceUnavailable, Type = type, Title = title, Detail = detail };
    }

    private static string? MissingPartition(Exception exception) =>
        Postgres(exception) is { SqlState: Npgsql.PostgresErrorCodes.CheckViolation } pg
        && pg.MessageText.StartsWith("no partition of relation", StringComparison.Ordinal)
            ? pg.TableName ?? pg.MessageText
            : null;

    /// <summary>The PostgreSQL error behind <paramref name="exception"/> (itself or an inner one: EF Core and Npgsql wrap it), if any.</summary>
    private static Npgsql.PostgresException? Postgres(Exception exception) =>
        Chain(exception).OfType<Npgsql.PostgresException>().FirstOrDefault();

    /// <summary>The exception and its inner ones, outermost first.</summary>
    private static IEnumerable<Exception> Chain(Exception exception)
    {
        for (var e = exception; e is not null; e = e.InnerException)
        {
            yield return e;
        }
    }

    internal static ProblemDetails ToProblem(DomainException domain)
    {
        var problem = new ProblemDetails
        {
            Status = domain.Status,
            Type = domain.Type,
            Title = domain.Title,
            Detail = domain.Message,
        };
        foreach (var (key, value) in domain.Extensions)
        {
            problem.Extensions[key] = value;
        }

        return problem;
    }
}
