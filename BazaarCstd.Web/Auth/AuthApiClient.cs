using System.Net.Http.Headers;
using System.Net.Http.Json;
using BazaarCstd.Contracts.Auth;
using BazaarCstd.Web.Services;

namespace BazaarCstd.Web.Auth;

/// <summary>
/// The API's sign-in endpoints, called by the server on the user's behalf. No token handler here:
/// these calls carry credentials, a refresh token, or a token given explicitly.
/// </summary>
public sealed class AuthApiClient(HttpClient http)
{
    public async Task<TokenResponse> LoginAsync(string email, string password, CancellationToken ct = default)
    {
        using var response = await http.PostAsJsonAsync("/api/auth/login", new LoginRequest(email, password), ct);
        return await ApiResponses.ReadAsync<TokenResponse>(response, ct);
    }

    /// <summary>New tokens for a refresh token, or null when the API no longer accepts it (401).</summary>
    public async Task<TokenResponse?> RefreshAsync(string refreshToken, CancellationToken ct = default)
    {
        using var response = await http.PostAsJsonAsync("/api/auth/refresh", new RefreshRequest(refreshToken), ct);
        if (response.StatusCode is System.Net.HttpStatusCode.Unauthorized or System.Net.HttpStatusCode.BadRequest)
        {
            return null;
        }

        return await ApiResponses.ReadAsync<TokenResponse>(response, ct);
    }

    public async Task<UserProfile> ProfileAsync(string accessToken, CancellationToken ct = default)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, "/api/auth/profile");
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", accessToken);
        using var response = await http.SendAsync(request, ct);
        return await ApiResponses.ReadAsync<UserProfile>(response, ct);
    }

    /// <summary>Ends the API session (its refresh tokens and access token stop working). Best effort: the cookie goes either way.</summary>
    public async Task LogoutAsync(string accessToken, CancellationToken ct = default)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, "/api/auth/logout");
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", accessToken);
        using var response = await http.SendAsync(request, ct);
    }
}
