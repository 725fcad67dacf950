using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Net.Sockets;
using BazaarCstd.Contracts;
using BazaarCstd.Contracts.Auth;
using BazaarCstd.IntegrationTests.Infrastructure;

namespace BazaarCstd.IntegrationTests.Accounts;

/// <summary>
/// Clients of the shared app that come from a loopback address of their choosing (127.0.0.0/8 is
/// all loopback on Linux), so a test can be an attacker at one address and the owner at another.
/// They talk to an API replica directly: through the AppHost's proxy every client would arrive from
/// 127.0.0.1. Their traffic is checked against the OpenAPI document like every shared-app client's.
/// </summary>
public sealed class AddressedClients(BazaarAppFixture fixture)
{
    private static int s_next;
    private Uri? _replica;

    /// <summary>A loopback address no other test of this run uses: throttle counters of its own.</summary>
    public static IPAddress NewAddress()
    {
        var n = Interlocked.Increment(ref s_next);
        return IPAddress.Parse($"127.77.{n / 250}.{(n % 250) + 1}");
    }

    /// <summary>
    /// A client whose connections come from <paramref name="from"/>. HttpClient's default timeout:
    /// twenty parallel password changes are forty bcrypt rounds, slow on a busy 2-core machine.
    /// </summary>
    public async Task<HttpClient> ClientAsync(IPAddress from, string? accessToken = null)
    {
        if (_replica is null)
        {
            using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(10));
            _replica = (await fixture.Runner.InstanceAddressesAsync(ResourceNames.Api, timeout.Token))[0];
        }

        var sockets = new SocketsHttpHandler
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
        var http = new HttpClient(fixture.Traffic.CreateHandler(sockets)) { BaseAddress = _replica, Timeout = TimeSpan.FromSeconds(100) };
        if (accessToken is not null)
        {
            http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", accessToken);
        }

        return http;
    }

    public async Task<HttpResponseMessage> SignInAsync(IPAddress from, string email, string password)
    {
        using var http = await ClientAsync(from);
        return await http.PostAsJsonAsync("/api/auth/login", new LoginRequest(email, password));
    }
}
