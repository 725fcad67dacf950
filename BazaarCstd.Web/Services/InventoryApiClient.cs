using System.Net.Http.Json;
using BazaarCstd.Contracts;
using Microsoft.AspNetCore.Mvc;

namespace BazaarCstd.Web.Services;

/// <summary>
/// The dashboard's only way to the data: the API over HTTP (standard resilience from
/// ServiceDefaults). A problem response becomes an <see cref="ApiProblemException"/> carrying it.
/// </summary>
public sealed class InventoryApiClient(HttpClient http)
{
    public Task<SystemInfo> GetSystemInfoAsync(CancellationToken cancellationToken = default) =>
        GetAsync<SystemInfo>("/api/system/info", cancellationToken);

    private async Task<T> GetAsync<T>(string path, CancellationToken cancellationToken)
    {
        using var response = await http.GetAsync(path, cancellationToken);
        if (!response.IsSuccessStatusCode)
        {
            var problem = response.Content.Headers.ContentType?.MediaType == "application/problem+json"
                ? await response.Content.ReadFromJsonAsync<ProblemDetails>(cancellationToken)
                : null;
            throw new ApiProblemException((int)response.StatusCode, problem);
        }

        return await response.Content.ReadFromJsonAsync<T>(cancellationToken)
            ?? throw new ApiProblemException((int)response.StatusCode, null);
    }
}
