using Microsoft.AspNetCore.Mvc;

namespace BazaarCstd.Web.Services;

/// <summary>The API answered with an error; <see cref="Problem"/> is its RFC 9457 body when it sent one.</summary>
public sealed class ApiProblemException(int status, ProblemDetails? problem)
    : Exception(problem?.Detail ?? problem?.Title ?? $"The API answered {status}.")
{
    public int Status { get; } = status;

    public ProblemDetails? Problem { get; } = problem;
}
