using System.Net.Http.Headers;
using System.Net.Http.Json;
using BazaarCstd.Contracts.Auth;
using BazaarCstd.IntegrationTests.Accounts;
using BazaarCstd.IntegrationTests.Infrastructure;

namespace BazaarCstd.IntegrationTests.Events;

/// <summary>
/// The two checks that cannot use the assembly's shared app, run on the chaos app after its chaos
/// tests (one app start instead of two), last and in this order:
/// <list type="number">
/// <item>the last-admin race: the app's only administrators must be two accounts the test makes, so
/// "the last admin" is reachable (the shared app has many). They try to demote or deactivate each
/// other at the same moment, round after round: the chain must always keep exactly one. It demotes
/// the bootstrap admin, so nothing after it may need that account;</item>
/// <item>the shutdown check: disposing the app must leave no server process behind (the broker and
/// the Worker replicas the chaos tests killed and restarted included), so it disposes the app it
/// watches, last.</item>
/// </list>
/// Kept in its own file; it is part of <see cref="EventChaosTests"/> only to share its app.
/// </summary>
public sealed partial class EventChaosTests
{
    private const string Password = "last admin passphrase 2026";
    private const int Rounds = 12;

    [Fact, Order(4)]
    public async Task Two_admins_removing_each_other_at_once_leave_exactly_one()
    {
        using var bootstrap = fixture.Accounts.Admin();
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
        using var anonymous = fixture.Accounts.Anonymous();
        using var registered = await anonymous.PostAsJsonAsync("/api/auth/register", new RegisterRequest(email, Password, $"Admin {name}"));
        Assert.Equal(HttpStatusCode.Accepted, registered.StatusCode);
        var id = await admin.UserIdAsync(email);
        using var promoted = await admin.PutAsJsonAsync($"/api/users/{id}/roles", new UserRolesRequest(["ADMIN"]));
        Assert.Equal(HttpStatusCode.OK, promoted.StatusCode);
        return (id, email);
    }

    /// <summary>A client with a fresh token: a role or status change voids the tokens issued before it.</summary>
    private async Task<HttpClient> ClientAsync(string email)
    {
        using var anonymous = fixture.Accounts.Anonymous();
        using var response = await anonymous.PostAsJsonAsync("/api/auth/login", new LoginRequest(email, Password));
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var token = (await response.Content.ReadFromJsonAsync<TokenResponse>())!.AccessToken;
        var http = fixture.Accounts.Anonymous();
        http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token);
        return http;
    }

    private async Task<long> ActiveAdminsAsync() => (long)(await QueryAsync(
        "SELECT count(*) FROM bazaar.users u JOIN bazaar.user_roles r ON r.user_id = u.id WHERE r.role = 'ADMIN' AND u.is_active", null))!;

    private async Task<bool> IsActiveAdminAsync(Guid id) => (bool)(await QueryAsync(
        "SELECT EXISTS (SELECT 1 FROM bazaar.users u JOIN bazaar.user_roles r ON r.user_id = u.id WHERE r.role = 'ADMIN' AND u.is_active AND u.id = $1)", id))!;

    private async Task<object?> QueryAsync(string sql, Guid? id)
    {
        await using var command = fixture.Database.CreateCommand(sql);
        if (id is not null)
        {
            command.Parameters.AddWithValue(id.Value);
        }

        return await command.ExecuteScalarAsync();
    }

    /// <summary>Runs after everything else on the app (see <see cref="OrderAttribute"/>): it disposes it.</summary>
    [Fact, Order(5)]
    public async Task Disposing_the_app_leaves_no_server_process_behind()
    {
        var runner = fixture.Runner;
        var dataRoot = runner.DataRoot;
        var before = ProcessesUnder(dataRoot);
        Assert.Contains(before, p => p.Name == "postgres");
        Assert.Contains(before, p => p.Name == "redis-server");
        Assert.Contains(before, p => p.Name == "beam.smp");

        await runner.DisposeAsync();

        await Eventually.IsTrueAsync(() => Task.FromResult(ProcessesUnder(dataRoot).Count == 0),
            TimeSpan.FromSeconds(30), $"every server process under {dataRoot} to exit");
    }

    private sealed record ServerProcess(int Pid, string Name);

    private static List<ServerProcess> ProcessesUnder(string dataRoot)
    {
        var found = new List<ServerProcess>();
        foreach (var dir in Directory.EnumerateDirectories("/proc"))
        {
            if (!int.TryParse(Path.GetFileName(dir), out var pid))
            {
                continue;
            }

            try
            {
                // A zombie has an empty command line and no working folder: it is already gone.
                var cmdline = File.ReadAllText(Path.Combine(dir, "cmdline")).Replace('\0', ' ');
                var cwd = new FileInfo(Path.Combine(dir, "cwd")).LinkTarget ?? "";
                if (cmdline.Contains(dataRoot, StringComparison.Ordinal) || cwd.StartsWith(dataRoot, StringComparison.Ordinal))
                {
                    var name = File.ReadAllText(Path.Combine(dir, "comm")).Trim();
                    found.Add(new ServerProcess(pid, name));
                }
            }
            catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
            {
                // The process ended while we looked.
            }
        }

        return found;
    }
}
