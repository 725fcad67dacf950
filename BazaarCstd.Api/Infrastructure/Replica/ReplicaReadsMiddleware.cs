using BazaarCstd.Api.Infrastructure.Idempotency;
using Microsoft.AspNetCore.Mvc;
using Npgsql;

namespace BazaarCstd.Api.Infrastructure.Replica;

/// <summary>
/// Read-your-writes across the primary and the replica, for every request under <c>/api</c>:
/// <list type="bullet">
/// <item>A successful write answers with <c>X-Consistency-Token</c>: its commit position, as
/// <see cref="WriteSession"/> or <see cref="WriteCommand"/> read it in the commit's own round trip
/// (every stock document, keyed or not), or else (a write committed in PostgreSQL's implicit
/// transaction: no place after the commit to read it) from the primary as the answer starts.</item>
/// <item>A read chooses its database before the handler runs (<see cref="ReadRoute"/>): the replica
/// while <see cref="ReplicaMonitor.Serving"/>, and with a token only once the replica has replayed
/// that far (waiting up to <see cref="TokenWait"/>); otherwise the primary. A token that is not a
/// WAL position is a 400.</item>
/// <item>A read the replica fails before anything was sent (it stopped, restarted, cancelled a query
/// on a recovery conflict) trips the breaker and runs again on the primary: a dead replica costs
/// the request a retry, never an error.</item>
/// </list>
/// </summary>
public sealed class ReplicaReadsMiddleware(RequestDelegate next, ReplicaMonitor monitor, IProblemDetailsService problems, ILogger<ReplicaReadsMiddleware> logger)
{
    public static readonly TimeSpan TokenWait = TimeSpan.FromSeconds(1);

    public async Task InvokeAsync(HttpContext http)
    {
        if (!http.Request.Path.StartsWithSegments("/api"))
        {
            await next(http);
            return;
        }

        if (IdempotencyFilter.IsWrite(http.Request.Method))
        {
            http.Response.OnStarting(() => AddTokenAsync(http));
            await next(http);
            return;
        }

        if (!HttpMethods.IsGet(http.Request.Method) && !HttpMethods.IsHead(http.Request.Method))
        {
            await next(http);
            return;
        }

        var route = new ReadRoute(monitor.Serving);
        if (http.Request.Headers.TryGetValue(ConsistencyToken.HeaderName, out var values))
        {
            if (!ConsistencyToken.TryParse(values, out var token))
            {
                await BadTokenAsync(http);
                return;
            }

            if (route.Replica && !await monitor.CaughtUpAsync(token, TokenWait, http.RequestAborted))
            {
                route.FallBack();
            }
        }

        http.Features.Set(route);
        try
        {
            await next(http);
        }
        catch (Exception ex) when (route is { Replica: true, ReplicaUsed: true } && !http.Response.HasStarted && ReplicaMonitor.IsReplicaFailure(ex))
        {
            monitor.Trip(ex);
            route.FallBack();
            logger.LogInformation("The replica failed {Method} {Path} ({Reason}); reading from the primary.", http.Request.Method, http.Request.Path, ex.Message);
            http.Response.Clear();
            await next(http);
        }
    }

    private async Task AddTokenAsync(HttpContext http)
    {
        if (http.Response.StatusCode is < 200 or >= 300)
        {
            return;
        }

        var committed = http.Features.Get<CommittedPosition>();
        if (committed is null)
        {
            try
            {
                await using var command = monitor.Primary.CreateCommand(CommittedPosition.Sql);
                committed = new CommittedPosition((NpgsqlTypes.NpgsqlLogSequenceNumber)(await command.ExecuteScalarAsync(http.RequestAborted))!);
            }
            catch (Exception ex) when (ex is NpgsqlException or TimeoutException or OperationCanceledException)
            {
                // The write is done; without a token the client's next read is merely not guaranteed to see it.
                logger.LogWarning("No consistency token for {Method} {Path}: {Reason}", http.Request.Method, http.Request.Path, ex.Message);
                return;
            }
        }

        http.Response.Headers[ConsistencyToken.HeaderName] = ConsistencyToken.Format(committed.Lsn);
    }

    private async Task BadTokenAsync(HttpContext http)
    {
        http.Response.StatusCode = StatusCodes.Status400BadRequest;
        await problems.WriteAsync(new ProblemDetailsContext
        {
            HttpContext = http,
            ProblemDetails = new ProblemDetails
            {
                Status = StatusCodes.Status400BadRequest,
                Type = ProblemTypes.BadRequest,
                Title = "The consistency token is not valid.",
                Detail = $"{ConsistencyToken.HeaderName} must be sent once, as a write's {ConsistencyToken.HeaderName} answer gave it (a WAL position such as 16/B374D848).",
            },
        });
    }
}
