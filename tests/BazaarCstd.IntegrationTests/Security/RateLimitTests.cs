using System.Diagnostics;
using System.Net.Http.Json;
using System.Text.Json;
using System.Text.RegularExpressions;
using BazaarCstd.Contracts;
using BazaarCstd.Contracts.Auth;
using BazaarCstd.Contracts.Stores;
using BazaarCstd.IntegrationTests.Accounts;
using BazaarCstd.IntegrationTests.Infrastructure;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Xunit.Abstractions;

namespace BazaarCstd.IntegrationTests.Security;

/// <summary>
/// Limits are counted in Redis, so two API replicas share one budget; the request over the limit
/// is 429 with <c>Retry-After</c> and the RateLimit header fields; without Redis nothing is limited
/// and nothing fails. Windows are 60 s and a test's requests take a few seconds, so a test cannot
/// cross a window boundary unnoticed: the <c>reset</c> each response reports is checked.
/// </summary>
[Collection(RateLimitAppCollection.Name)]
public sealed partial class RateLimitTests(RateLimitAppFixture fixture, ITestOutputHelper output)
{
    private const int Limit = RateLimitAppFixture.Limit;
    private const string ExpectedPolicy = "5;w=60";
    private const string RateLimitHeader = "RateLimit";

    [Fact]
    public void The_api_runs_as_two_replicas_on_their_own_ports()
    {
        Assert.Equal(2, fixture.Replicas.Count);
        Assert.NotEqual(fixture.Replicas[0].Port, fixture.Replicas[1].Port);
    }

    [Fact]
    public async Task Writes_by_one_user_share_one_budget_across_replicas()
    {
        // A fresh user with write rights, so the budget is this test's alone.
        var from = RateLimitAppFixture.NewClientAddress();
        var (email, password) = await NewAdminAsync(from);
        var token = await fixture.AccessTokenAsync(1, from, email, password);
        var started = Stopwatch.StartNew();

        for (var i = 0; i < Limit; i++)
        {
            using var response = await NewStoreAsync(i % 2, from, token);
            Assert.Equal(HttpStatusCode.Created, response.StatusCode);
            AssertWithinWindow(response, remaining: Limit - 1 - i);
        }

        // The first five were split 3 / 2 over the replicas; the sixth is over the one shared budget.
        using (var limited = await NewStoreAsync(Limit % 2, from, token))
        {
            await AssertLimitedAsync(limited);
        }

        // Reads have a budget of their own: the user who may not write any more still reads.
        using (var reader = fixture.Client(0, from, token))
        using (var read = await reader.GetAsync("/api/stores"))
        {
            Assert.Equal(HttpStatusCode.OK, read.StatusCode);
            AssertWithinWindow(read, remaining: Limit - 1);
        }

        output.WriteLine($"{Limit + 2} requests in {started.ElapsedMilliseconds} ms");
    }

    [Fact]
    public async Task Reads_by_one_user_share_one_budget_across_replicas_apart_from_writes()
    {
        var from = RateLimitAppFixture.NewClientAddress();
        var (email, password) = await NewAdminAsync(from);
        var token = await fixture.AccessTokenAsync(0, from, email, password);

        // Every read route counts, the audit log included, whichever replica answers.
        string[] routes = ["/api/stores", "/api/products", "/api/stock/current", "/api/audit-logs", "/api/users"];
        for (var i = 0; i < Limit; i++)
        {
            using var http = fixture.Client(i % 2, from, token);
            using var response = await http.GetAsync(routes[i % routes.Length]);
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            AssertWithinWindow(response, remaining: Limit - 1 - i);
        }

        using (var http = fixture.Client(Limit % 2, from, token))
        using (var limited = await http.GetAsync("/api/audit-logs"))
        {
            await AssertLimitedAsync(limited);
            Assert.Contains("reads", (await limited.Content.ReadAsStringAsync()), StringComparison.Ordinal);
        }

        // The same user's writes are still within their own budget.
        using var write = await NewStoreAsync(0, from, token);
        Assert.Equal(HttpStatusCode.Created, write.StatusCode);
        AssertWithinWindow(write, remaining: Limit - 1);
    }

    [Fact]
    public async Task A_revoked_tokens_requests_are_refused_without_spending_its_users_budget()
    {
        // The revocation check and the count are one Redis call: a revoked token must not be counted.
        var from = RateLimitAppFixture.NewClientAddress();
        var (email, password) = await NewAdminAsync(from);
        var revoked = await fixture.AccessTokenAsync(0, RateLimitAppFixture.NewClientAddress(), email, password);
        using (var http = fixture.Client(1, RateLimitAppFixture.NewClientAddress(), revoked))
        using (var logout = await http.PostAsync("/api/auth/logout", null))
        {
            Assert.Equal(HttpStatusCode.NoContent, logout.StatusCode);
        }

        for (var i = 0; i <= Limit; i++)
        {
            using var http = fixture.Client(i % 2, from, revoked);
            using var refused = await http.GetAsync("/api/stores");
            Assert.Equal(HttpStatusCode.Unauthorized, refused.StatusCode);
            Assert.False(refused.Headers.Contains(RateLimitHeader), "a refused token's request was counted");
        }

        var fresh = await fixture.AccessTokenAsync(1, RateLimitAppFixture.NewClientAddress(), email, password);
        using var reader = fixture.Client(0, from, fresh);
        using var read = await reader.GetAsync("/api/stores");
        Assert.Equal(HttpStatusCode.OK, read.StatusCode);
        AssertWithinWindow(read, remaining: Limit - 1);
    }

    [Fact]
    public async Task Auth_endpoints_are_limited_per_client_address_across_replicas()
    {
        var from = RateLimitAppFixture.NewClientAddress();
        for (var i = 0; i < Limit; i++)
        {
            using var response = await fixture.SignInAsync(i % 2, from, ApiAccounts.AdminEmail, ApiAccounts.AdminPassword);
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            AssertWithinWindow(response, remaining: Limit - 1 - i);
        }

        using (var limited = await fixture.SignInAsync(Limit % 2, from, ApiAccounts.AdminEmail, ApiAccounts.AdminPassword))
        {
            await AssertLimitedAsync(limited);
        }

        // Every /api/auth route counts, signed in or not.
        using (var http = fixture.Client(0, from))
        using (var profile = await http.GetAsync("/api/auth/profile"))
        {
            await AssertLimitedAsync(profile);
        }

        // Claiming another address in X-Forwarded-For buys no fresh budget: no proxy is trusted here.
        using (var http = fixture.Client(1, from))
        using (var spoofed = new HttpRequestMessage(HttpMethod.Post, "/api/auth/login")
        {
            Content = JsonContent.Create(new LoginRequest(ApiAccounts.AdminEmail, ApiAccounts.AdminPassword)),
        })
        {
            spoofed.Headers.Add("X-Forwarded-For", "203.0.113.7");
            using var limited = await http.SendAsync(spoofed);
            await AssertLimitedAsync(limited);
        }

        // Another address has a budget of its own.
        using var other = await fixture.SignInAsync(0, RateLimitAppFixture.NewClientAddress(), ApiAccounts.AdminEmail, ApiAccounts.AdminPassword);
        Assert.Equal(HttpStatusCode.OK, other.StatusCode);
        AssertWithinWindow(other, remaining: Limit - 1);
    }

    [Fact]
    public async Task With_Redis_stopped_requests_are_not_limited_and_still_succeed()
    {
        var from = RateLimitAppFixture.NewClientAddress();
        var token = await fixture.AccessTokenAsync(0, from, ApiAccounts.AdminEmail, ApiAccounts.AdminPassword);
        var commands = fixture.Runner.App.ResourceCommands;
        var notifications = fixture.Runner.App.ResourceNotifications;
        try
        {
            var stop = await commands.ExecuteCommandAsync(ResourceNames.Cache, KnownResourceCommands.StopCommand);
            Assert.True(stop.Success, stop.Message);
            await notifications.WaitForResourceAsync(ResourceNames.Cache, e => e.Snapshot.State?.Text is "Exited" or "Finished" or "Stopped")
                .WaitAsync(TimeSpan.FromSeconds(30));

            // Twice the limit on each replica, from one address and as one user: all pass, none fails.
            var started = Stopwatch.StartNew();
            for (var i = 0; i < 2 * Limit; i++)
            {
                using var signIn = await fixture.SignInAsync(i % 2, from, ApiAccounts.AdminEmail, ApiAccounts.AdminPassword);
                Assert.Equal(HttpStatusCode.OK, signIn.StatusCode);
                Assert.Equal(ExpectedPolicy, signIn.Headers.GetValues("RateLimit-Policy").Single());
                Assert.False(signIn.Headers.Contains("RateLimit"), "No count without Redis.");

                using var write = await NewStoreAsync(i % 2, from, token);
                Assert.Equal(HttpStatusCode.Created, write.StatusCode);
                Assert.False(write.Headers.Contains("RateLimit"), "No count without Redis.");
            }

            output.WriteLine($"{4 * Limit} requests without Redis in {started.ElapsedMilliseconds} ms");
        }
        finally
        {
            await RestoreRedisAsync(commands, notifications);
        }
    }

    /// <summary>Starts Redis again and waits until both replicas count requests once more.</summary>
    private async Task RestoreRedisAsync(ResourceCommandService commands, ResourceNotificationService notifications)
    {
        var start = await commands.ExecuteCommandAsync(ResourceNames.Cache, KnownResourceCommands.StartCommand);
        Assert.True(start.Success, start.Message);
        await notifications.WaitForResourceAsync(ResourceNames.Cache, e => e.Snapshot.HealthStatus == HealthStatus.Healthy)
            .WaitAsync(TimeSpan.FromSeconds(30));

        var probe = RateLimitAppFixture.NewClientAddress();
        for (var replica = 0; replica < fixture.Replicas.Count; replica++)
        {
            var r = replica;
            await Eventually.IsTrueAsync(async () =>
            {
                using var http = fixture.Client(r, probe);
                using var response = await http.GetAsync("/api/auth/profile");
                return response.Headers.Contains("RateLimit");
            }, TimeSpan.FromSeconds(30), $"replica {r} to count requests in Redis again");
        }
    }

    /// <summary>Registers a user and makes them an administrator: 2 auth requests from <paramref name="from"/>, 1 write by the admin.</summary>
    private async Task<(string Email, string Password)> NewAdminAsync(IPAddress from)
    {
        var email = $"rate-{Guid.NewGuid():N}@bazaar.test";
        const string password = "Rate-limit-test-2026";
        var adminToken = await fixture.AccessTokenAsync(0, from, ApiAccounts.AdminEmail, ApiAccounts.AdminPassword);
        using var http = fixture.Client(0, from, adminToken);
        using var registered = await http.PostAsJsonAsync("/api/auth/register", new RegisterRequest(email, password, "Rate limit test"));
        Assert.Equal(HttpStatusCode.Accepted, registered.StatusCode);
        using var promoted = await http.PutAsJsonAsync($"/api/users/{await http.UserIdAsync(email)}/roles", new UserRolesRequest(["ADMIN"]));
        Assert.Equal(HttpStatusCode.OK, promoted.StatusCode);
        return (email, password);
    }

    private async Task<HttpResponseMessage> NewStoreAsync(int replica, IPAddress from, string token)
    {
        using var http = fixture.Client(replica, from, token);
        var code = $"RL-{Guid.NewGuid():N}"[..20];
        return await http.PostAsJsonAsync("/api/stores", new StoreRequest(code, $"Rate limit test {code}"));
    }

    /// <summary>Under the limit: the policy, the count left, and a reset inside the 60 s window.</summary>
    private static void AssertWithinWindow(HttpResponseMessage response, int remaining)
    {
        Assert.Equal(ExpectedPolicy, response.Headers.GetValues("RateLimit-Policy").Single());
        var (limit, left, reset) = ParseRateLimit(response);
        Assert.Equal(Limit, limit);
        Assert.Equal(remaining, left);
        Assert.InRange(reset, 1, RateLimitAppFixture.WindowSeconds);
    }

    private static async Task AssertLimitedAsync(HttpResponseMessage response)
    {
        Assert.Equal(HttpStatusCode.TooManyRequests, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        using var problem = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        Assert.Equal("https://bazaar.example/problems/too-many-requests", problem.RootElement.GetProperty("type").GetString());
        Assert.Equal(429, problem.RootElement.GetProperty("status").GetInt32());

        Assert.Equal(ExpectedPolicy, response.Headers.GetValues("RateLimit-Policy").Single());
        var (limit, remaining, reset) = ParseRateLimit(response);
        Assert.Equal(Limit, limit);
        Assert.Equal(0, remaining);
        Assert.InRange(reset, 1, RateLimitAppFixture.WindowSeconds);
        var retryAfter = response.Headers.RetryAfter?.Delta;
        Assert.NotNull(retryAfter);
        Assert.Equal(reset, (int)retryAfter.Value.TotalSeconds);
    }

    private static (int Limit, int Remaining, int Reset) ParseRateLimit(HttpResponseMessage response)
    {
        var value = response.Headers.GetValues("RateLimit").Single();
        var match = RateLimitField().Match(value);
        Assert.True(match.Success, $"RateLimit: {value}");
        return (int.Parse(match.Groups[1].Value), int.Parse(match.Groups[2].Value), int.Parse(match.Groups[3].Value));
    }

    [GeneratedRegex(@"^limit=(\d+), remaining=(\d+), reset=(\d+)$")]
    private static partial Regex RateLimitField();
}
