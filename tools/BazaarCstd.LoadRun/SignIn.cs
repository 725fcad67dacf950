using System.Net.Http.Headers;
using System.Net.Http.Json;
using BazaarCstd.Contracts.Auth;

namespace BazaarCstd.LoadRun;

/// <summary>Signs in through <c>POST /api/auth/login</c>; every API call of the load run carries the token.</summary>
public static class SignIn
{
    public static async Task<AuthenticationHeaderValue> AsAsync(Uri api, string email, string password)
    {
        using var http = new HttpClient { BaseAddress = api, Timeout = TimeSpan.FromSeconds(30) };
        using var response = await http.PostAsJsonAsync("/api/auth/login", new LoginRequest(email, password));
        if (!response.IsSuccessStatusCode)
        {
            throw new LoadRunException($"Signing in as {email} answered {(int)response.StatusCode}: {await response.Content.ReadAsStringAsync()}");
        }

        var tokens = await response.Content.ReadFromJsonAsync<TokenResponse>()
            ?? throw new LoadRunException("Signing in answered with an empty body.");
        return new AuthenticationHeaderValue("Bearer", tokens.AccessToken);
    }
}
