using System.Diagnostics;
using System.Net.Http.Json;
using System.Text.Json;
using BazaarCstd.Contracts.Auth;
using BazaarCstd.IntegrationTests.Infrastructure;
using BazaarCstd.IntegrationTests.Inventory;

namespace BazaarCstd.IntegrationTests.Accounts;

/// <summary>
/// Issue 14, item 2: failed sign-ins slow down whoever fails, where they fail — per (email,
/// address) and per address — and never lock the account, so an attacker cannot keep the owner out.
/// </summary>
[Collection(BazaarAppCollection.Name)]
public sealed class SignInThrottleTests(BazaarAppFixture fixture)
{
    private const string Wrong = "not the password at all";
    private readonly Sessions _sessions = new(fixture);
    private readonly AddressedClients _clients = new(fixture);

    [Fact]
    public async Task An_attacker_is_slowed_down_at_their_address_while_the_owner_signs_in_from_theirs()
    {
        var email = await _sessions.RegisterAsync();
        var attacker = AddressedClients.NewAddress();
        var owner = AddressedClients.NewAddress();

        // Five guesses are answered like any wrong password (and like an unknown email)...
        var answers = new List<JsonElement>();
        for (var i = 0; i < 5; i++)
        {
            using var guess = await _clients.SignInAsync(attacker, email, Wrong);
            answers.Add(await InventoryApi.AssertProblem(guess, HttpStatusCode.Unauthorized));
        }

        using (var unknown = await _clients.SignInAsync(AddressedClients.NewAddress(), Sessions.NewEmail(), Wrong))
        {
            Assert.Equal(Shape(answers[0]), Shape(await InventoryApi.AssertProblem(unknown, HttpStatusCode.Unauthorized)));
        }

        Assert.All(answers, a => Assert.Equal(Shape(answers[0]), Shape(a)));

        // ...then that address waits. (A slow machine may let a guess through a second later: it counts too.)
        await UntilSlowedAsync(attacker, email, TimeSpan.FromSeconds(1));

        // The owner, elsewhere, is not slowed at all, and the account is not locked.
        using (var signedIn = await _clients.SignInAsync(owner, email, Sessions.Password))
        {
            Assert.Equal(HttpStatusCode.OK, signedIn.StatusCode);
        }

        // The delay grows: once the second is over, one more guess costs two seconds; and while the
        // attacker waits even the right password is refused, so the wait is no oracle.
        var sinceGuess = new Stopwatch();
        await Eventually.IsTrueAsync(async () =>
        {
            sinceGuess.Restart(); // the throttle counts a guess when it arrives, before its password check
            using var guess = await _clients.SignInAsync(attacker, email, Wrong);
            return guess.StatusCode == HttpStatusCode.Unauthorized;
        }, TimeSpan.FromSeconds(10), "the attacker's one-second wait to pass");
        using (var slower = await _clients.SignInAsync(attacker, email, Wrong))
        {
            var elapsed = sinceGuess.Elapsed;
            await InventoryApi.AssertProblem(slower, HttpStatusCode.TooManyRequests);

            // Two seconds from that guess, or more where a slow machine let an earlier guess through
            // (each doubles it); Retry-After is what is left of it in whole seconds, rounded up, so a
            // busy machine that took over a second between the two requests sees 1 (a full run did, once).
            var left = Math.Max(1, (int)Math.Ceiling((TimeSpan.FromSeconds(2) - elapsed).TotalSeconds));
            Assert.True(slower.Headers.RetryAfter?.Delta >= TimeSpan.FromSeconds(left),
                $"Retry-After {slower.Headers.RetryAfter?.Delta}, {elapsed.TotalMilliseconds:0} ms after the guess before it was sent");
        }

        using (var right = await _clients.SignInAsync(attacker, email, Sessions.Password))
        {
            await InventoryApi.AssertProblem(right, HttpStatusCode.TooManyRequests);
        }

        // An unknown email is throttled exactly like a known one: the throttle tells nobody who has an account.
        var prober = AddressedClients.NewAddress();
        var nobody = Sessions.NewEmail();
        for (var i = 0; i < 5; i++)
        {
            using var guess = await _clients.SignInAsync(prober, nobody, Wrong);
            await InventoryApi.AssertProblem(guess, HttpStatusCode.Unauthorized);
        }

        await UntilSlowedAsync(prober, nobody, TimeSpan.FromSeconds(1));
    }

    [Fact]
    public async Task Guessing_across_many_emails_slows_down_that_address_only()
    {
        var email = await _sessions.RegisterAsync();
        var sprayer = AddressedClients.NewAddress();

        // Twenty different emails, one guess each: no (email, address) pair is slowed, the address is,
        // for any email, the right password included.
        var codes = await AllAtOnce.RunAsync(Enumerable.Range(0, 20), async _ =>
        {
            using var guess = await _clients.SignInAsync(sprayer, Sessions.NewEmail(), Wrong);
            return guess.StatusCode;
        });
        Assert.All(codes, c => Assert.Equal(HttpStatusCode.Unauthorized, c));

        await UntilSlowedAsync(sprayer, Sessions.NewEmail(), null);
        using (var slowed = await _clients.SignInAsync(sprayer, email, Sessions.Password))
        {
            await InventoryApi.AssertProblem(slowed, HttpStatusCode.TooManyRequests);
        }

        using var elsewhere = await _clients.SignInAsync(AddressedClients.NewAddress(), email, Sessions.Password);
        Assert.Equal(HttpStatusCode.OK, elsewhere.StatusCode);
    }

    [Fact]
    public async Task Parallel_guesses_get_few_password_checks_and_the_owner_still_signs_in()
    {
        var email = await _sessions.RegisterAsync();
        var attacker = AddressedClients.NewAddress();

        // Each attempt is counted before its password is checked, in the script that lets it go ahead:
        // a burst cannot slip past the count. Five are free; the rest wait (or, spread over seconds, a few more pass).
        var codes = await AllAtOnce.RunAsync(Enumerable.Range(0, 16), async _ =>
        {
            using var guess = await _clients.SignInAsync(attacker, email, Wrong);
            return guess.StatusCode;
        });
        Assert.All(codes, c => Assert.True(c is HttpStatusCode.Unauthorized or HttpStatusCode.TooManyRequests, $"{c}"));
        var checkedCount = codes.Count(c => c == HttpStatusCode.Unauthorized);
        Assert.InRange(checkedCount, 5, 8);

        using var owner = await _clients.SignInAsync(AddressedClients.NewAddress(), email, Sessions.Password);
        Assert.Equal(HttpStatusCode.OK, owner.StatusCode);
        using var http = fixture.Accounts.Anonymous();
        using var throughProxy = await http.PostAsJsonAsync("/api/auth/login", new LoginRequest(email, Sessions.Password));
        Assert.Equal(HttpStatusCode.OK, throughProxy.StatusCode);
    }

    /// <summary>
    /// Guesses from <paramref name="from"/> until the answer is 429 (at most 4 more guesses get
    /// through, each doubling the wait, on a machine slow enough to let the first wait pass).
    /// </summary>
    private async Task UntilSlowedAsync(IPAddress from, string email, TimeSpan? firstRetryAfter)
    {
        for (var i = 0; i < 5; i++)
        {
            using var guess = await _clients.SignInAsync(from, email, Wrong);
            if (guess.StatusCode == HttpStatusCode.TooManyRequests)
            {
                var problem = await InventoryApi.AssertProblem(guess, HttpStatusCode.TooManyRequests);
                Assert.Equal("https://bazaar.example/problems/too-many-requests", problem.GetProperty("type").GetString());
                if (i == 0 && firstRetryAfter is { } expected)
                {
                    Assert.Equal(expected, guess.Headers.RetryAfter?.Delta);
                }

                return;
            }

            await InventoryApi.AssertProblem(guess, HttpStatusCode.Unauthorized);
        }

        Assert.Fail($"{from} was never slowed down.");
    }

    private static (string?, string?, string?) Shape(JsonElement problem) =>
        (problem.GetProperty("type").GetString(), problem.GetProperty("title").GetString(), problem.GetProperty("detail").GetString());
}
