using System.Net.Http.Json;
using BazaarCstd.Contracts;
using BazaarCstd.Contracts.Auth;
using BazaarCstd.IntegrationTests.Infrastructure;
using Npgsql;

namespace BazaarCstd.IntegrationTests.Accounts;

/// <summary>
/// Issue 14, item 3: logout-all, an admin's revoke (of an admin too), deactivation, and the 30-day
/// end of a session; each stops the refresh tokens and the access tokens already issued.
/// </summary>
[Collection(BazaarAppCollection.Name)]
public sealed class SessionEndTests(BazaarAppFixture fixture)
{
    private readonly Sessions _sessions = new(fixture);

    [Fact]
    public async Task Logout_all_ends_every_session_of_the_caller_only()
    {
        var email = await _sessions.RegisterAsync();
        var other = await _sessions.RegisterAsync();
        var phone = await _sessions.SignInAsync(email);
        var till = await _sessions.SignInAsync(email);
        var bystander = await _sessions.SignInAsync(other);

        using (var http = _sessions.With(phone.AccessToken))
        {
            using var all = await http.PostAsync("/api/auth/logout-all", null);
            Assert.Equal(HttpStatusCode.NoContent, all.StatusCode);
        }

        await _sessions.AssertEndedAsync(phone, "the session that asked");
        await _sessions.AssertEndedAsync(till, "the other session");
        Assert.Equal(HttpStatusCode.OK, await _sessions.AccessStatusAsync(bystander.AccessToken));
        await _sessions.SignInAsync(email);
    }

    [Fact]
    public async Task An_admin_ends_an_admins_sessions_their_own_included_and_the_account_stays_active()
    {
        // Revoking has no last-admin rule: the account stays active and signs in again. (The shared
        // app's own admin is not used here: every test signs in as it.)
        var (email, id) = await _sessions.NewAdminAsync();
        var first = await _sessions.SignInAsync(email);
        var second = await _sessions.SignInAsync(email);

        using (var http = _sessions.With(first.AccessToken))
        {
            using var revoked = await http.PostAsync($"/api/users/{id}/sessions/revoke", null);
            Assert.Equal(HttpStatusCode.NoContent, revoked.StatusCode);
        }

        await _sessions.AssertEndedAsync(first, "the admin's own session");
        await _sessions.AssertEndedAsync(second, "the admin's other session");
        var again = await _sessions.SignInAsync(email);
        var profile = await _sessions.ProfileAsync(again.AccessToken);
        Assert.True(profile.IsActive);
        Assert.Equal(["ADMIN"], profile.Roles);
    }

    [Fact]
    public async Task Twenty_parallel_revokes_all_succeed_and_leave_no_session_alive()
    {
        var email = await _sessions.RegisterAsync();
        var sessions = new List<TokenResponse>();
        for (var i = 0; i < 3; i++)
        {
            sessions.Add(await _sessions.SignInAsync(email));
        }

        using var lookup = fixture.CreateApiClient();
        var id = await lookup.UserIdAsync(email);
        var clients = Enumerable.Range(0, 20).Select(_ => fixture.CreateApiClient()).ToList();
        try
        {
            var codes = await AllAtOnce.RunAsync(clients, async http =>
            {
                using var response = await http.PostAsync($"/api/users/{id}/sessions/revoke", null);
                return response.StatusCode;
            });
            Assert.All(codes, c => Assert.Equal(HttpStatusCode.NoContent, c));
        }
        finally
        {
            clients.ForEach(c => c.Dispose());
        }

        foreach (var session in sessions)
        {
            await _sessions.AssertEndedAsync(session, "a session revoked twenty times over");
        }

        Assert.Equal(HttpStatusCode.OK, await _sessions.AccessStatusAsync((await _sessions.SignInAsync(email)).AccessToken));
    }

    [Fact]
    public async Task Deactivation_ends_every_session_at_once()
    {
        var email = await _sessions.RegisterAsync();
        var session = await _sessions.SignInAsync(email);
        using var admin = fixture.CreateApiClient();
        var id = await admin.UserIdAsync(email);

        using var off = await admin.PutAsJsonAsync($"/api/users/{id}/active", new UserActiveRequest(false));
        Assert.Equal(HttpStatusCode.OK, off.StatusCode);
        await _sessions.AssertEndedAsync(session, "a deactivated user's session");
        using var on = await admin.PutAsJsonAsync($"/api/users/{id}/active", new UserActiveRequest(true));
        Assert.Equal(HttpStatusCode.OK, on.StatusCode);
        await _sessions.SignInAsync(email);
    }

    [Fact]
    public async Task A_session_ends_thirty_days_after_its_sign_in_however_often_it_is_refreshed()
    {
        var email = await _sessions.RegisterAsync();
        var session = await _sessions.SignInAsync(email);
        await using var owner = NpgsqlDataSource.Create((await fixture.App.GetConnectionStringAsync(ResourceNames.BazaarDb))!);

        // Each refresh token lives 7 days at most, and never past the session's end, 30 days after the sign-in.
        await using (var read = owner.CreateCommand("""
            SELECT extract(epoch FROM t.family_expires_at - t.created_at) / 86400, extract(epoch FROM t.expires_at - t.created_at) / 86400
            FROM bazaar.refresh_tokens t JOIN bazaar.users u ON u.id = t.user_id WHERE lower(u.email) = lower($1)
            """))
        {
            read.Parameters.AddWithValue(email);
            await using var reader = await read.ExecuteReaderAsync();
            Assert.True(await reader.ReadAsync());
            Assert.InRange(reader.GetDecimal(0), 29.99m, 30.01m);
            Assert.InRange(reader.GetDecimal(1), 6.99m, 7.01m);
        }

        // The session's 30 days are over (as if signed in a month ago): its still-fresh refresh token is refused.
        await using (var age = owner.CreateCommand("""
            UPDATE bazaar.refresh_tokens t SET family_expires_at = now() - interval '1 second'
            FROM bazaar.users u WHERE u.id = t.user_id AND lower(u.email) = lower($1)
            """))
        {
            age.Parameters.AddWithValue(email);
            await age.ExecuteNonQueryAsync();
        }

        Assert.Equal(HttpStatusCode.Unauthorized, await _sessions.RefreshStatusAsync(session.RefreshToken));
        await _sessions.SignInAsync(email);
    }
}
