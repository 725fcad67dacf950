using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Net.Sockets;
using BazaarCstd.Contracts;
using BazaarCstd.Contracts.Auth;
using BazaarCstd.IntegrationTests.Infrastructure;

namespace BazaarCstd.IntegrationTests.Security;

/// <summary>
/// A private app for the rate-limit tests: two API replicas and small limits (5 per minute), so
/// the shared app's tests never meet a limit and these tests never share a budget with them.
/// Tests talk to each replica directly (not through the AppHost's proxy) and choose their client
/// address from 127.0.0.0/8, so each test has budgets of its own and can tell which replica
/// answered.
/// </summary>
public sealed class RateLimitAppFixture() : AppFixture(new Dictionary<string, string>
{
    ["Bazaar:ApiReplicas"] = "2",
    ["Bazaar:RateLimits:Writes:PermitLimit"] = $"{Limit}",
    ["Bazaar:RateLimits:Writes:Window"] = TimeSpan.FromSeconds(WindowSeconds).ToString("c"),
    ["Bazaar:RateLimits:Reads:PermitLimit"] = $"{Limit}",
    ["Bazaar:RateLimits:Reads:Window"] = TimeSpan.FromSeconds(WindowSeconds).ToString("c"),
    ["Bazaar:RateLimits:Auth:PermitLimit"] = $"{Limit}",
    ["Bazaar:RateLimits:Auth:Window"] = TimeSpan.FromSeconds(WindowSeconds).ToString("c"),
    // The Redis test restarts Redis; the limiter should be back soon after.
    ["Bazaar:RateLimits:FailOpenPause"] = "00:00:01",
})
{
    public const int Limit = 5;
    public const int WindowSeconds = 60;

    private static int s_nextAddress = 10;

    /// <summary>Each API replica's own address (its port behind the proxy).</summary>
    public IReadOnlyList<Uri> Replicas { get; private set; } = [];

    protected override async Task OnStartedAsync()
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(10));
        Replicas = await Runner.InstanceAddressesAsync(ResourceNames.Api, timeout.Token);
    }

    /// <summary>A loopback address no other test uses: its own auth budget.</summary>
    public static IPAddress NewClientAddress() => IPAddress.Parse($"127.0.0.{Interlocked.Increment(ref s_nextAddress)}");

    /// <summary>A client for one replica whose connections come from <paramref name="from"/>.</summary>
    public HttpClient Client(int replica, IPAddress from, string? accessToken = null)
    {
        var handler = new SocketsHttpHandler
        {
            ConnectCallback = async (context, ct) =>
            {
                var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
                try
                {
                    socket.Bind(new IPEndPoint(from, 0));
                    await socket.ConnectAsync(context.DnsEndPoint, ct);
                    return new NetworkStream(socket, ownsSocket: true);
                }
                catch
                {
                    socket.Dispose();
                    throw;
                }
            },
        };
        var http = new HttpClient(handler) { BaseAddress = Replicas[replica], Timeout = TimeSpan.FromSeconds(30) };
        if (accessToken is not null)
        {
            http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", accessToken);
        }

        return http;
    }

    public async Task<HttpResponseMessage> SignInAsync(int replica, IPAddress from, string email, string password)
    {
        using var http = Client(replica, from);
        return await http.PostAsJsonAsync("/api/auth/login", new LoginRequest(email, password));
    }

    public async Task<string> AccessTokenAsync(int replica, IPAddress from, string email, string password)
    {
        using var response = await SignInAsync(replica, from, email, password);
        Assert.True(response.IsSuccessStatusCode, $"Sign-in as {email}: {response.StatusCode} {await response.Content.ReadAsStringAsync()}");
        return (await response.Content.ReadFromJsonAsync<TokenResponse>())!.AccessToken;
    }
}

[CollectionDefinition(Name)]
public sealed class RateLimitAppCollection : ICollectionFixture<RateLimitAppFixture>
{
    public const string Name = "rate-limit-app";
}
