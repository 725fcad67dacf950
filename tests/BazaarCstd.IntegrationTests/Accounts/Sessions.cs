using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using BazaarCstd.Contracts.Auth;
using BazaarCstd.IntegrationTests.Infrastructure;
using BazaarCstd.IntegrationTests.Inventory;

namespace BazaarCstd.IntegrationTests.Accounts;

/// <summary>What the account tests do over and over: register someone, sign in, and see which tokens still work.</summary>
public sealed class Sessions(BazaarAppFixture fixture)
{
    public const string Password = "an account lifecycle passphrase";

    public static string NewEmail() => $"account-{Guid.NewGuid():N}@example.com";

    /// <summary>A new STAFF account with <see cref="Password"/>.</summary>
    public async Task<string> RegisterAsync(string? password = null)
    {
        var email = NewEmail();
        using var http = fixture.Accounts.Anonymous();
        using var response = await http.PostAsJsonAsync("/api/auth/register", new RegisterRequest(email, password ?? Password, "Account Test"));
        Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);
        return email;
    }

    /// <summary>A new account made ADMIN by the shared admin; returns its email and id.</summary>
    public async Task<(string Email, Guid Id)> NewAdminAsync()
    {
        var email = await RegisterAsync();
        using var admin = fixture.CreateApiClient();
        var id = await admin.UserIdAsync(email);
        using var promoted = await admin.PutAsJsonAsync($"/api/users/{id}/roles", new UserRolesRequest(["ADMIN"]));
        Assert.Equal(HttpStatusCode.OK, promoted.StatusCode);
        return (email, id);
    }

    public async Task<TokenResponse> SignInAsync(string email, string password = Password)
    {
        using var http = fixture.Accounts.Anonymous();
        using var response = await http.PostAsJsonAsync("/api/auth/login", new LoginRequest(email, password));
        Assert.True(response.StatusCode == HttpStatusCode.OK, $"Sign-in as {email}: {(int)response.StatusCode} {await response.Content.ReadAsStringAsync()}");
        return (await response.Content.ReadFromJsonAsync<TokenResponse>())!;
    }

    public async Task<HttpResponseMessage> SignInResponseAsync(string email, string password)
    {
        using var http = fixture.Accounts.Anonymous();
        return await http.PostAsJsonAsync("/api/auth/login", new LoginRequest(email, password));
    }

    /// <summary>A client that sends <paramref name="accessToken"/>.</summary>
    public HttpClient With(string accessToken)
    {
        var http = fixture.Accounts.Anonymous();
        http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", accessToken);
        return http;
    }

    /// <summary>What <c>GET /api/auth/profile</c> answers to <paramref name="accessToken"/>.</summary>
    public async Task<HttpStatusCode> AccessStatusAsync(string accessToken)
    {
        using var http = With(accessToken);
        using var response = await http.GetAsync("/api/auth/profile");
        return response.StatusCode;
    }

    public async Task<UserProfile> ProfileAsync(string accessToken)
    {
        using var http = With(accessToken);
        return (await http.GetFromJsonAsync<UserProfile>("/api/auth/profile"))!;
    }

    /// <summary>What <c>POST /api/auth/refresh</c> answers to <paramref name="refreshToken"/>.</summary>
    public async Task<HttpStatusCode> RefreshStatusAsync(string refreshToken)
    {
        using var http = fixture.Accounts.Anonymous();
        using var response = await http.PostAsJsonAsync("/api/auth/refresh", new RefreshRequest(refreshToken));
        return response.StatusCode;
    }

    /// <summary>The session is over: its access token and its refresh token are both refused.</summary>
    public async Task AssertEndedAsync(TokenResponse session, string what)
    {
        Assert.True(await AccessStatusAsync(session.AccessToken) == HttpStatusCode.Unauthorized, $"{what}: the access token still works");
        Assert.True(await RefreshStatusAsync(session.RefreshToken) == HttpStatusCode.Unauthorized, $"{what}: the refresh token still works");
    }

    public static async Task<JsonElement> ProblemAsync(HttpResponseMessage response, HttpStatusCode status) =>
        await InventoryApi.AssertProblem(response, status);
}
