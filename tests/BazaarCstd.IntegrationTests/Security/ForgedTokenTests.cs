using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Security.Claims;
using System.Text;
using BazaarCstd.Contracts.Auth;
using BazaarCstd.IntegrationTests.Infrastructure;
using BazaarCstd.IntegrationTests.Inventory;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;

namespace BazaarCstd.IntegrationTests.Security;

/// <summary>Tokens the API did not issue, or no longer honours, are 401 on every replica.</summary>
[Collection(BazaarAppCollection.Name)]
public sealed class ForgedTokenTests(BazaarAppFixture fixture)
{
    public static TheoryData<string> Forgeries =>
        ["alg none", "wrong key", "expired", "not yet valid", "wrong issuer", "wrong audience", "tampered payload"];

    [Fact]
    public async Task A_token_made_with_the_real_key_and_claims_is_accepted()
    {
        // The control for the forgeries below: same recipe, nothing wrong with it.
        using var response = await SendAsync(await ForgeAsync(_ => { }));
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
    }

    [Theory]
    [MemberData(nameof(Forgeries))]
    public async Task A_forged_token_is_401(string forgery)
    {
        var now = DateTime.UtcNow;
        var token = forgery switch
        {
            "wrong key" => await ForgeAsync(_ => { }, key: new string('z', 64)),
            "expired" => await ForgeAsync(d => (d.IssuedAt, d.NotBefore, d.Expires) = (now.AddMinutes(-20), now.AddMinutes(-20), now.AddMinutes(-2))),
            "not yet valid" => await ForgeAsync(d => (d.NotBefore, d.Expires) = (now.AddMinutes(5), now.AddMinutes(20))),
            "wrong issuer" => await ForgeAsync(d => d.Issuer = "someone-else"),
            "wrong audience" => await ForgeAsync(d => d.Audience = "another-app"),
            "alg none" => Unsigned(await ForgeAsync(_ => { })),
            "tampered payload" => Tampered(await ForgeAsync(d => d.Subject = new ClaimsIdentity(
                d.Subject.Claims.Where(c => c.Type != "role").Append(new Claim("role", "STAFF"))))),
            _ => throw new ArgumentOutOfRangeException(nameof(forgery)),
        };

        using var response = await SendAsync(token);

        await InventoryApi.AssertProblem(response, HttpStatusCode.Unauthorized, forgery);
        Assert.Equal("Bearer", response.Headers.WwwAuthenticate.Single().Scheme);
    }

    [Fact]
    public async Task A_logged_out_token_is_401_on_every_replica()
    {
        using var anonymous = fixture.Accounts.Anonymous();
        using var login = await anonymous.PostAsJsonAsync("/api/auth/login", new LoginRequest(ApiAccounts.AdminEmail, ApiAccounts.AdminPassword));
        var tokens = (await login.Content.ReadFromJsonAsync<TokenResponse>())!;
        using (var before = await SendAsync(tokens.AccessToken))
        {
            Assert.Equal(HttpStatusCode.OK, before.StatusCode);
        }

        using var logout = new HttpRequestMessage(HttpMethod.Post, "/api/auth/logout");
        logout.Headers.Authorization = new AuthenticationHeaderValue("Bearer", tokens.AccessToken);
        using (var response = await anonymous.SendAsync(logout))
        {
            Assert.Equal(HttpStatusCode.NoContent, response.StatusCode);
        }

        // The proxy spreads these over both API replicas: the deny-list is shared in Redis.
        for (var i = 0; i < 6; i++)
        {
            using var after = await SendAsync(tokens.AccessToken);
            Assert.Equal(HttpStatusCode.Unauthorized, after.StatusCode);
        }

        using var refresh = await anonymous.PostAsJsonAsync("/api/auth/refresh", new RefreshRequest(tokens.RefreshToken));
        Assert.Equal(HttpStatusCode.Unauthorized, refresh.StatusCode);
    }

    private async Task<HttpResponseMessage> SendAsync(string token)
    {
        using var http = fixture.Accounts.Anonymous();
        using var request = new HttpRequestMessage(HttpMethod.Get, "/api/users?limit=1");
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
        return await http.SendAsync(request);
    }

    /// <summary>An admin token for the real admin, signed with the app's own key unless told otherwise.</summary>
    private async Task<string> ForgeAsync(Action<SecurityTokenDescriptor> tweak, string? key = null)
    {
        using var admin = fixture.CreateApiClient();
        var profile = (await admin.GetFromJsonAsync<UserProfile>("/api/auth/profile"))!;
        key ??= (await File.ReadAllTextAsync(Path.Combine(fixture.Runner.DataRoot, "secrets", "jwt-signing-key"))).Trim();
        var now = DateTime.UtcNow;
        var descriptor = new SecurityTokenDescriptor
        {
            Issuer = "bazaar-api",
            Audience = "bazaar",
            IssuedAt = now,
            NotBefore = now,
            Expires = now.AddMinutes(10),
            Subject = new ClaimsIdentity(
            [
                new Claim(JwtRegisteredClaimNames.Sub, profile.Id.ToString()),
                new Claim(JwtRegisteredClaimNames.Jti, Guid.NewGuid().ToString("N")),
                new Claim("sid", Guid.NewGuid().ToString()),
                new Claim("role", "ADMIN"),
            ]),
            SigningCredentials = new SigningCredentials(new SymmetricSecurityKey(Encoding.UTF8.GetBytes(key)), SecurityAlgorithms.HmacSha256),
        };
        tweak(descriptor);
        return new JsonWebTokenHandler { SetDefaultTimesOnTokenCreation = false }.CreateToken(descriptor);
    }

    private static string Unsigned(string token) =>
        Base64UrlEncoder.Encode("""{"alg":"none","typ":"JWT"}""") + "." + token.Split('.')[1] + ".";

    /// <summary>A genuine STAFF token whose payload is edited to say ADMIN, keeping the old signature.</summary>
    private static string Tampered(string token)
    {
        var parts = token.Split('.');
        var payload = Encoding.UTF8.GetString(Base64UrlEncoder.DecodeBytes(parts[1])).Replace("\"STAFF\"", "\"ADMIN\"");
        return $"{parts[0]}.{Base64UrlEncoder.Encode(payload)}.{parts[2]}";
    }
}
