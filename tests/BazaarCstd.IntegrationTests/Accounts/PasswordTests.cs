using System.Net.Http.Json;
using BazaarCstd.Contracts.Auth;
using BazaarCstd.IntegrationTests.Infrastructure;
using BazaarCstd.IntegrationTests.Inventory;

namespace BazaarCstd.IntegrationTests.Accounts;

/// <summary>
/// Issue 14, item 3: a user changes their own password, an admin resets one (changed at the next
/// sign-in), and either ends every session — refresh tokens and the access tokens already issued.
/// </summary>
[Collection(BazaarAppCollection.Name)]
public sealed class PasswordTests(BazaarAppFixture fixture)
{
    private const string NewPassword = "a brand new passphrase";
    private readonly Sessions _sessions = new(fixture);
    private readonly AddressedClients _clients = new(fixture);

    [Fact]
    public async Task A_password_change_ends_every_session_and_old_tokens_are_refused()
    {
        var email = await _sessions.RegisterAsync();
        var here = await _sessions.SignInAsync(email);
        var stolen = await _sessions.SignInAsync(email);

        using (var http = _sessions.With(here.AccessToken))
        {
            using var wrong = await http.PutAsJsonAsync("/api/auth/password", new ChangePasswordRequest("not the current one", NewPassword));
            await InventoryApi.AssertProblem(wrong, HttpStatusCode.BadRequest, "currentPassword");
            using var weak = await http.PutAsJsonAsync("/api/auth/password", new ChangePasswordRequest(Sessions.Password, "password1234"));
            await InventoryApi.AssertProblem(weak, HttpStatusCode.BadRequest, "newPassword");
        }

        TokenResponse fresh;
        using (var http = _sessions.With(here.AccessToken))
        {
            using var changed = await http.PutAsJsonAsync("/api/auth/password", new ChangePasswordRequest(Sessions.Password, NewPassword));
            Assert.Equal(HttpStatusCode.OK, changed.StatusCode);
            fresh = (await changed.Content.ReadFromJsonAsync<TokenResponse>())!;
        }

        // Both sessions are over, the one that changed it included; the answer is a new one that works.
        await _sessions.AssertEndedAsync(here, "the session that changed the password");
        await _sessions.AssertEndedAsync(stolen, "another session");
        Assert.Equal(HttpStatusCode.OK, await _sessions.AccessStatusAsync(fresh.AccessToken));
        Assert.Equal(HttpStatusCode.OK, await _sessions.RefreshStatusAsync(fresh.RefreshToken));

        using (var old = await _sessions.SignInResponseAsync(email, Sessions.Password))
        {
            await InventoryApi.AssertProblem(old, HttpStatusCode.Unauthorized);
        }

        await _sessions.SignInAsync(email, NewPassword);
    }

    [Fact]
    public async Task Twenty_parallel_changes_leave_exactly_one_new_password()
    {
        var email = await _sessions.RegisterAsync();
        var session = await _sessions.SignInAsync(email);

        // Each from an address of its own, so the sign-in throttle does not answer for the race.
        var answers = await AllAtOnce.RunAsync(Enumerable.Range(0, 20), async i =>
        {
            using var http = await _clients.ClientAsync(AddressedClients.NewAddress(), session.AccessToken);
            using var response = await http.PutAsJsonAsync("/api/auth/password", new ChangePasswordRequest(Sessions.Password, $"{NewPassword} {i}"));
            return (i, response.StatusCode);
        });

        // One wins; the others lost the compare-and-set (409), found the password already changed (400),
        // or came after the winner had voided the token they carried (401).
        var winner = Assert.Single(answers, a => a.StatusCode == HttpStatusCode.OK).i;
        Assert.All(answers.Where(a => a.i != winner), a => Assert.True(
            a.StatusCode is HttpStatusCode.Conflict or HttpStatusCode.BadRequest or HttpStatusCode.Unauthorized, $"{a.i}: {a.StatusCode}"));

        await _sessions.SignInAsync(email, $"{NewPassword} {winner}");
        using var loser = await _sessions.SignInResponseAsync(email, $"{NewPassword} {(winner + 1) % 20}");
        await InventoryApi.AssertProblem(loser, HttpStatusCode.Unauthorized);
        await _sessions.AssertEndedAsync(session, "the session that raced");
    }

    [Fact]
    public async Task After_an_admin_reset_the_user_can_only_change_the_password()
    {
        const string Temporary = "a temporary passphrase from the admin";
        var email = await _sessions.RegisterAsync();
        var before = await _sessions.SignInAsync(email);
        using var admin = fixture.CreateApiClient();
        var id = await admin.UserIdAsync(email);

        using (var reset = await admin.PutAsJsonAsync($"/api/users/{id}/password", new ResetPasswordRequest(Temporary)))
        {
            Assert.Equal(HttpStatusCode.OK, reset.StatusCode);
            Assert.True((await reset.Content.ReadFromJsonAsync<UserProfile>())!.MustChangePassword);
        }

        await _sessions.AssertEndedAsync(before, "the session from before the reset");

        // Signing in with the temporary password gives no session, only a token to change it with.
        string changeToken;
        using (var signIn = await _sessions.SignInResponseAsync(email, Temporary))
        {
            var problem = await InventoryApi.AssertProblem(signIn, HttpStatusCode.Forbidden);
            Assert.Equal("https://bazaar.example/problems/password-change-required", problem.GetProperty("type").GetString());
            changeToken = problem.GetProperty("passwordChangeToken").GetString()!;
        }

        Assert.Equal(HttpStatusCode.Unauthorized, await _sessions.AccessStatusAsync(changeToken));
        using (var http = _sessions.With(changeToken))
        {
            using var stores = await http.GetAsync("/api/stock/current");
            Assert.Equal(HttpStatusCode.Unauthorized, stores.StatusCode);

            using var changed = await http.PutAsJsonAsync("/api/auth/password", new ChangePasswordRequest(Temporary, NewPassword));
            Assert.Equal(HttpStatusCode.OK, changed.StatusCode);
            var session = (await changed.Content.ReadFromJsonAsync<TokenResponse>())!;
            Assert.False((await _sessions.ProfileAsync(session.AccessToken)).MustChangePassword);

            // The change token is spent.
            using var again = await http.PutAsJsonAsync("/api/auth/password", new ChangePasswordRequest(NewPassword, NewPassword + " again"));
            Assert.Equal(HttpStatusCode.Unauthorized, again.StatusCode);
        }

        await _sessions.SignInAsync(email, NewPassword);
    }
}
