using Microsoft.AspNetCore.Diagnostics;
using Microsoft.AspNetCore.Mvc;

namespace BazaarCstd.Api.Infrastructure;

/// <summary>
/// Turns exceptions into RFC 9457 problem responses. Known failures keep their meaning (a request
/// body that cannot be read is the client's 400); anything else is logged and answered with a
/// generic 500 that never carries a stack trace.
/// </summary>
internal sealed class ProblemExceptionHandler(IProblemDetailsService problemDetails, ILogger<ProblemExceptionHandler> logger) : IExceptionHandler
{
    public async ValueTask<bool> TryHandleAsync(HttpContext httpContext, Exception exception, CancellationToken cancellationToken)
    {
        var problem = exception switch
        {
            BadHttpRequestException bad => new ProblemDetails
            {
                Status = bad.StatusCode,
                Type = ProblemTypes.BadRequest,
                Title = "The request could not be read.",
                Detail = bad.Message,
            },
            DomainException domain => ToProblem(domain),
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
