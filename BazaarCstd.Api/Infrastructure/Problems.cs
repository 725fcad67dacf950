using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;

namespace BazaarCstd.Api.Infrastructure;

/// <summary>
/// Problem responses handlers return rather than throw. Endpoints declare them with
/// <c>ProducesProblem</c> so they show in the OpenAPI document.
/// </summary>
public static class Problems
{
    public static ProblemHttpResult NotFound(string title, string detail) => TypedResults.Problem(new ProblemDetails
    {
        Status = StatusCodes.Status404NotFound,
        Type = ProblemTypes.NotFound,
        Title = title,
        Detail = detail,
    });

    public static ProblemHttpResult PreconditionFailed(string detail) => TypedResults.Problem(new ProblemDetails
    {
        Status = StatusCodes.Status412PreconditionFailed,
        Type = ProblemTypes.PreconditionFailed,
        Title = "The resource has changed since it was read.",
        Detail = detail,
    });
}
