using System.Net.Http.Headers;
using System.Net.Http.Json;
using BazaarCstd.Contracts;
using BazaarCstd.Contracts.Auth;
using BazaarCstd.IntegrationTests.Infrastructure;
using Npgsql;
using Xunit.Abstractions;

namespace BazaarCstd.IntegrationTests.Security;

/// <summary>
/// A private app whose only administrators are two accounts this test makes, so "the last admin"
/// is reachable (the shared app has many admins). The admins then try to demote or deactivate each
/// other at the same moment, round after round: the chain must always keep exactly one.
/// </summary>
public sealed class LastAdminTests(LastAdminTests.App app, ITestOutputHelper output) : IClassFixture<LastAdminTests.App>
{
    private const string Password = "last admin passphrase 2026";
    private const int Rounds = 12;

    [Fact]
    public async Task Two_admins_removing_each_other_at_once_leave_exactly_one()
    {
        using var bootstrap = app.Accounts.Admin();
        var bootstrapId = (await bootstrap.GetFromJsonAsync<UserProfile>("/api/auth/profile"))!.Id;
        var x = await NewAdminAsync(bootstrap, "x");
        var y = await NewAdminAsync(bootstrap, "y");
        using (var asX = await ClientAsync(x.Email))
        using (var demote = await asX.PutAsJsonAsync($"/api/users/{bootstrapId}/roles", new UserRolesRequest(["STAFF"])))
        {
            Assert.Equal(HttpStatusCode.OK, demote.StatusCode);
        }

        Assert.Equal(2, await ActiveAdminsAsync());
        var outcomes = new List<string>();
        for (var round = 0; round < Rounds; round++)
        {
            var deactivate = round % 2 == 1;
            using var asX = await ClientAsync(x.Email);
            using var asY = await ClientAsync(y.Email);

            // Each admin sends the same removal twice, all four at once.
            var codes = await AllAtOnce.RunAsync(new[] { (asX, y.Id), (asY, x.Id), (asX, y.Id), (asY, x.Id) }, async r =>
            {
                using var response = deactivate
                    ? await r.Item1.PutAsJsonAsync($"/api/users/{r.Item2}/active", new UserActiveRequest(false))
                    : await r.Item1.PutAsJsonAsync($"/api/users/{r.Item2}/roles", new UserRolesRequest(["STAFF"]));
                return response.StatusCode;
            });
            outcomes.Add(string.Join("/", codes.Select(c => (int)c)));

            // One removal wins; the other admin's is refused (409 last admin) or comes too late
            // (401: the winner's change voided the loser's token). Never a 500, never zero admins.
            Assert.Contains(HttpStatusCode.OK, codes);
            Assert.All(codes, c => Assert.True(c is HttpStatusCode.OK or HttpStatusCode.Conflict or HttpStatusCode.Unauthorized or HttpStatusCode.Forbidden, $"{(int)c}"));
            Assert.Equal(1, await ActiveAdminsAsync());

            // The survivor restores the other for the next round.
            var (survivor, other) = await IsActiveAdminAsync(x.Id) ? (x, y) : (y, x);
            using var restorer = await ClientAsync(survivor.Email);
            using var active = await restorer.PutAsJsonAsync($"/api/users/{other.Id}/active", new UserActiveRequest(true));
            Assert.Equal(HttpStatusCode.OK, active.StatusCode);
            using var roles = await restorer.PutAsJsonAsync($"/api/users/{other.Id}/roles", new UserRolesRequest(["ADMIN"]));
            Assert.Equal(HttpStatusCode.OK, roles.StatusCode);
            Assert.Equal(2, await ActiveAdminsAsync());
        }

        output.WriteLine($"answers per round: {string.Join(", ", outcomes)}");
    }

    private async Task<(Guid Id, string Email)> NewAdminAsync(HttpClient admin, string name)
    {
        var email = $"last-admin-{name}-{Guid.NewGuid():N}@bazaar.test";
        using var anonymous = app.Accounts.Anonymous();
        using var registered = await anonymous.PostAsJsonAsync("/api/auth/register", new RegisterRequest(email, Password, $"Admin {name}"));
        Assert.Equal(HttpStatusCode.Created, registered.StatusCode);
        var id = (await registered.Content.ReadFromJsonAsync<UserProfile>())!.Id;
        using var promoted = await admin.PutAsJsonAsync($"/api/users/{id}/roles", new UserRolesRequest(["ADMIN"]));
        Assert.Equal(HttpStatusCode.OK, promoted.StatusCode);
        return (id, email);
    }

    /// <summary>A client with a fresh token: a role or status change voids the tokens issued before it.</summary>
    private async Task<HttpClient> ClientAsync(string email)
    {
        using var anonymous = app.Accounts.Anonymous();
        using var response = await anonymous.PostAsJsonAsync("/api/auth/login", new LoginRequest(email, Password));
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var token = (await response.Content.ReadFromJsonAsync<TokenResponse>())!.AccessToken;
        var http = app.Accounts.Anonymous();
        http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token);
        return http;
    }

    private async Task<long> ActiveAdminsAsync() => (long)(await QueryAsync(
        "SELECT count(*) FROM bazaar.users u JOIN bazaar.user_roles r ON r.user_id = u.id WHERE r.role = 'ADMIN' AND u.is_active", null))!;

    private async Task<bool> IsActiveAdminAsync(Guid id) => (bool)(await QueryAsync(
        "SELECT EXISTS (SELECT 1 FROM bazaar.users u JOIN bazaar.user_roles r ON r.user_id = u.id WHERE r.role = 'ADMIN' AND u.is_active AND u.id = $1)", id))!;

    private async Task<object?> QueryAsync(string sql, Guid? id)
    {
        await using var command = app.Database.CreateCommand(sql);
        if (id is not null)
        {
            command.Parameters.AddWithValue(id.Value);
        }

        return await command.ExecuteScalarAsync();
    }

    /// <summary>The private app (one API replica is enough: the race is in the database).</summary>
    public sealed class App() : AppFixture(new Dictionary<string, string> { ["Bazaar:ApiReplicas"] = "1" })
    {
        /// <summary>The database as its owner, to count admins behind the API's back.</summary>
        public NpgsqlDataSource Database { get; private set; } = null!;

        public override async Task DisposeAsync()
        {
            if (Database is not null)
            {
                await Database.DisposeAsync();
            }

            await base.DisposeAsync();
        }

        protected override async Task OnStartedAsync() =>
            Database = NpgsqlDataSource.Create((await App.GetConnectionStringAsync(ResourceNames.BazaarDb))!);
    }
}
