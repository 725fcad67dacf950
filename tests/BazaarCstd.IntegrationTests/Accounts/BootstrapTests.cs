using System.Net.Http.Json;
using BazaarCstd.Api.Auth;
using BazaarCstd.Contracts;
using BazaarCstd.Contracts.Auth;
using BazaarCstd.IntegrationTests.Infrastructure;
using BazaarCstd.MigrationService;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Npgsql;
using StackExchange.Redis;

namespace BazaarCstd.IntegrationTests.Accounts;

/// <summary>
/// Issue 14, item 1: the account bootstrap (admin-email / admin-password) never adopts an account it
/// did not make, and a new admin password ends that admin's sessions. Restarting the shared app with
/// another admin-email would end every other test's admin, so the bootstrapper runs here as the
/// MigrationService runs it, against the shared app's database as its owner.
/// </summary>
[Collection(BazaarAppCollection.Name)]
public sealed class BootstrapTests(BazaarAppFixture fixture)
{
    private readonly Sessions _sessions = new(fixture);

    [Fact]
    public async Task An_admin_email_someone_registered_is_refused_and_that_account_gains_nothing()
    {
        // The squatter registers the address the operator is about to use, and keeps a session.
        var email = await _sessions.RegisterAsync();
        var squatter = await _sessions.SignInAsync(email);

        await using var owner = await OwnerAsync();
        var refused = await Assert.ThrowsAsync<InvalidOperationException>(() => Bootstrapper(owner, email, "the operator's new admin password").EnsureAdminAsync(CancellationToken.None));
        Assert.Contains("already exists without the ADMIN role", refused.Message, StringComparison.Ordinal);
        Assert.Contains("Nothing was changed", refused.Message, StringComparison.Ordinal);

        // The squatter's refresh still gives a STAFF token, never an admin one, and their password stands.
        using var anonymous = fixture.Accounts.Anonymous();
        using var refreshed = await anonymous.PostAsJsonAsync("/api/auth/refresh", new RefreshRequest(squatter.RefreshToken));
        Assert.Equal(HttpStatusCode.OK, refreshed.StatusCode);
        var tokens = (await refreshed.Content.ReadFromJsonAsync<TokenResponse>())!;
        Assert.Equal(["STAFF"], (await _sessions.ProfileAsync(tokens.AccessToken)).Roles);
        using var adminOnly = _sessions.With(tokens.AccessToken);
        using var users = await adminOnly.GetAsync("/api/users");
        Assert.Equal(HttpStatusCode.Forbidden, users.StatusCode);
        using var operatorPassword = await _sessions.SignInResponseAsync(email, "the operator's new admin password");
        Assert.Equal(HttpStatusCode.Unauthorized, operatorPassword.StatusCode);
    }

    [Fact]
    public async Task A_new_admin_password_ends_every_session_of_that_admin()
    {
        var (email, _) = await _sessions.NewAdminAsync();
        var before = await _sessions.SignInAsync(email);
        const string Replaced = "the admin password the operator set";

        await using var owner = await OwnerAsync();
        await Bootstrapper(owner, email, Replaced).EnsureAdminAsync(CancellationToken.None);

        // The refresh tokens end with the change. The access tokens end when the API next starts
        // (the MigrationService runs before it, with no Redis): run that start-up step here.
        Assert.Equal(HttpStatusCode.Unauthorized, await _sessions.RefreshStatusAsync(before.RefreshToken));
        await using var redis = await ConnectionMultiplexer.ConnectAsync((await fixture.App.GetConnectionStringAsync(ResourceNames.Cache))!);
        var options = Options.Create(new AuthOptions());
        var revocation = new TokenRevocation(redis, TimeProvider.System, NullLogger<TokenRevocation>.Instance);
        await new SessionRevocationCatchUp(owner, revocation, options, TimeProvider.System, NullLogger<SessionRevocationCatchUp>.Instance)
            .StartAsync(CancellationToken.None);
        Assert.Equal(HttpStatusCode.Unauthorized, await _sessions.AccessStatusAsync(before.AccessToken));

        var after = await _sessions.SignInAsync(email, Replaced);
        Assert.Equal(["ADMIN"], (await _sessions.ProfileAsync(after.AccessToken)).Roles);

        // Started again with the same password: nothing changes, the new session lives on.
        await Bootstrapper(owner, email, Replaced).EnsureAdminAsync(CancellationToken.None);
        Assert.Equal(HttpStatusCode.OK, await _sessions.RefreshStatusAsync(after.RefreshToken));
    }

    private async Task<NpgsqlDataSource> OwnerAsync() =>
        NpgsqlDataSource.Create((await fixture.App.GetConnectionStringAsync(ResourceNames.BazaarDb))!);

    private static AccountBootstrapper Bootstrapper(NpgsqlDataSource owner, string email, string password) => new(
        owner,
        new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Bazaar:AdminEmail"] = email,
            ["Bazaar:AdminPassword"] = password,
        }).Build(),
        NullLogger<AccountBootstrapper>.Instance);
}
