using System.Net.Http.Headers;
using System.Net.Http.Json;
using BazaarCstd.Contracts.Auth;
using BazaarCstd.IntegrationTests.Infrastructure;
using BazaarCstd.IntegrationTests.Inventory;

namespace BazaarCstd.IntegrationTests.Security;

/// <summary>
/// Registering, signing in and refreshing, through the real API. Throttled sign-ins, password
/// changes, ended sessions and registration's uniform answer: <c>Accounts/</c>.
/// </summary>
[Collection(BazaarAppCollection.Name)]
public sealed class SignInTests(BazaarAppFixture fixture)
{
    private const string Password = "a perfectly long passphrase";

    [Fact]
    public async Task Registration_makes_a_staff_account_with_no_stores_and_refuses_bad_input()
    {
        using var http = fixture.Accounts.Anonymous();
        var email = NewEmail();

        using var created = await http.PostAsJsonAsync("/api/auth/register", new RegisterRequest(email, Password, "New Starter"));
        Assert.Equal(HttpStatusCode.Accepted, created.StatusCode);

        using var me = fixture.Accounts.As(email, Password);
        var profile = await me.GetFromJsonAsync<UserProfile>("/api/auth/profile");
        Assert.Equal(["STAFF"], profile!.Roles);
        Assert.Empty(profile.StoreIds);

        foreach (var (body, field) in new[]
        {
            (new RegisterRequest(NewEmail(), "too-short", "X"), "password"),
            (new RegisterRequest(NewEmail(), "password1234", "X"), "password"),
            (new RegisterRequest("not-an-email", Password, "X"), "email"),
            (new RegisterRequest(NewEmail(), Password, ""), "displayName"),
        })
        {
            using var refused = await http.PostAsJsonAsync("/api/auth/register", body);
            var problem = await InventoryApi.AssertProblem(refused, HttpStatusCode.BadRequest, field);
            Assert.True(problem.GetProperty("errors").TryGetProperty(field, out _), field);
        }
    }

    [Fact]
    public async Task A_refresh_token_works_once_and_its_reuse_ends_the_whole_session()
    {
        var email = await RegisterAsync();
        using var http = fixture.Accounts.Anonymous();
        var first = await LoginAsync(http, email, Password);

        using var rotated = await http.PostAsJsonAsync("/api/auth/refresh", new RefreshRequest(first.RefreshToken));
        Assert.Equal(HttpStatusCode.OK, rotated.StatusCode);
        var second = (await rotated.Content.ReadFromJsonAsync<TokenResponse>())!;
        Assert.NotEqual(first.RefreshToken, second.RefreshToken);
        Assert.Equal(HttpStatusCode.OK, await ProfileStatusAsync(http, second.AccessToken));

        // The first token again: someone replayed it. It fails, and so does everything of that session.
        using var reused = await http.PostAsJsonAsync("/api/auth/refresh", new RefreshRequest(first.RefreshToken));
        await InventoryApi.AssertProblem(reused, HttpStatusCode.Unauthorized);
        using var newest = await http.PostAsJsonAsync("/api/auth/refresh", new RefreshRequest(second.RefreshToken));
        await InventoryApi.AssertProblem(newest, HttpStatusCode.Unauthorized);
        Assert.Equal(HttpStatusCode.Unauthorized, await ProfileStatusAsync(http, second.AccessToken));

        // Signing in again starts a new session.
        var fresh = await LoginAsync(http, email, Password);
        Assert.Equal(HttpStatusCode.OK, await ProfileStatusAsync(http, fresh.AccessToken));
    }

    [Fact]
    public async Task Parallel_refreshes_with_one_token_rotate_at_most_once_and_end_the_session()
    {
        var email = await RegisterAsync();
        using var http = fixture.Accounts.Anonymous();
        var tokens = await LoginAsync(http, email, Password);

        var answers = await AllAtOnceAsync(10, async client =>
        {
            using var response = await client.PostAsJsonAsync("/api/auth/refresh", new RefreshRequest(tokens.RefreshToken));
            return response.IsSuccessStatusCode ? (await response.Content.ReadFromJsonAsync<TokenResponse>())!.RefreshToken : $"{(int)response.StatusCode}";
        });

        // One may win the rotation; every other presentation is reuse, which revokes the family,
        // so even the winner's new refresh token is dead, and so is the session's access token.
        var rotated = answers.Where(a => a != "401").ToList();
        Assert.True(rotated.Count <= 1, string.Join(", ", answers));
        foreach (var refresh in rotated)
        {
            using var again = await http.PostAsJsonAsync("/api/auth/refresh", new RefreshRequest(refresh));
            await InventoryApi.AssertProblem(again, HttpStatusCode.Unauthorized);
        }

        Assert.Equal(HttpStatusCode.Unauthorized, await ProfileStatusAsync(http, tokens.AccessToken));
    }

    /// <summary>Sends <paramref name="count"/> requests released together, each on its own connection.</summary>
    private async Task<T[]> AllAtOnceAsync<T>(int count, Func<HttpClient, Task<T>> send)
    {
        var clients = Enumerable.Range(0, count).Select(_ => fixture.Accounts.Anonymous()).ToList();
        try
        {
            return await AllAtOnce.RunAsync(clients, send);
        }
        finally
        {
            clients.ForEach(c => c.Dispose());
        }
    }

    private static async Task<TokenResponse> LoginAsync(HttpClient http, string email, string password)
    {
        using var response = await http.PostAsJsonAsync("/api/auth/login", new LoginRequest(email, password));
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        return (await response.Content.ReadFromJsonAsync<TokenResponse>())!;
    }

    private static async Task<HttpStatusCode> ProfileStatusAsync(HttpClient http, string accessToken)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, "/api/auth/profile");
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", accessToken);
        using var response = await http.SendAsync(request);
        return response.StatusCode;
    }

    private async Task<string> RegisterAsync()
    {
        var email = NewEmail();
        using var http = fixture.Accounts.Anonymous();
        using var response = await http.PostAsJsonAsync("/api/auth/register", new RegisterRequest(email, Password, "Test User"));
        Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);
        return email;
    }

    private static string NewEmail() => $"user-{Guid.NewGuid():N}@example.com";
}
