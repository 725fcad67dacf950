using System.Net.Http.Json;
using Microsoft.AspNetCore.Mvc;

namespace BazaarCstd.Web.Services;

/// <summary>Reads an API answer: the body on success, an <see cref="ApiProblemException"/> with the problem otherwise.</summary>
public static class ApiResponses
{
    public static async Task<T> ReadAsync<T>(HttpResponseMessage response, CancellationToken ct)
    {
        await EnsureSuccessAsync(response, ct);
        return await response.Content.ReadFromJsonAsync<T>(ct)
            ?? throw new ApiProblemException((int)response.StatusCode, null);
    }

    public static async Task EnsureSuccessAsync(HttpResponseMessage response, CancellationToken ct)
    {
        if (response.IsSuccessStatusCode)
        {
            return;
        }

        ProblemDetails? problem = null;
        if (response.Content.Headers.ContentType?.MediaType is "application/problem+json" or "application/json")
        {
            try
            {
                problem = await response.Content.ReadFromJsonAsync<ProblemDetails>(ct);
            }
            catch (System.Text.Json.JsonException)
            {
                // Not a problem body after all; the status code still says what happened.
            }
        }

        throw new ApiProblemException((int)response.StatusCode, problem);
    }
}
