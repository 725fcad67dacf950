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

    /// <summary>The API's own health report (<c>/health</c>, no sign-in needed): "Healthy", another status, or why it could not be asked.</summary>
    public async Task<string> GetHealthAsync(CancellationToken cancellationToken = default)
    {
        try
        {
            using var response = await http.GetAsync("/health", cancellationToken);
            return (await response.Content.ReadAsStringAsync(cancellationToken)).Trim() is { Length: > 0 and <= 40 } status
                ? status
                : $"HTTP {(int)response.StatusCode}";
        }
        catch (Exception ex) when (ex is HttpRequestException or TaskCanceledException)
        {
            return ex.Message;
        }
    }

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
