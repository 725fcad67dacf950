using System.Collections.Concurrent;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using BazaarCstd.Contracts;
using BazaarCstd.Contracts.Auth;
using Npgsql;

namespace BazaarCstd.IntegrationTests.Infrastructure;

/// <summary>
/// Signed-in API clients for the tests. Tokens are fetched once per account through the real
/// <c>/api/auth/login</c> and reused until shortly before they expire.
/// <para>
/// Their reads see everything committed before they were sent, as the tests have always assumed,
/// although the API serves reads from the replica: each GET carries the primary's current WAL
/// position as its <c>X-Consistency-Token</c> (<see cref="ReadYourWritesHandler"/>), unless it
/// carries one already. That covers rows a test wrote with SQL, which no write response announced.
/// </para>
/// </summary>
public sealed class ApiAccounts(Func<DistributedApplication> app) : IAsyncDisposable
{
    public const string ConsistencyTokenHeader = "X-Consistency-Token";

    /// <summary>The AppHost's local defaults for the admin-email / admin-password parameters.</summary>
    public const string AdminEmail = "admin@bazaar.local";
    public const string AdminPassword = "Bazaar!Admin-2026";

    private readonly ConcurrentDictionary<string, (string Token, DateTimeOffset RenewAfter)> _tokens = new(StringComparer.OrdinalIgnoreCase);
    private readonly SemaphoreSlim _gate = new(1, 1);
    private Task<NpgsqlDataSource>? _primary;

    /// <summary>
    /// When set, wraps the socket handler of every client made here (the OpenAPI contract check of
    /// <see cref="OpenApiTraffic"/>); the token handler, if any, stays outside it.
    /// </summary>
    public Func<HttpMessageHandler, HttpMessageHandler>? Observe { get; set; }

    public HttpClient Anonymous() => Observe is null
        ? app().CreateHttpClient(ResourceNames.Api, "http")
        : new(new ReadYourWritesHandler(this) { InnerHandler = Observe(new SocketsHttpHandler()) }) { BaseAddress = app().GetEndpoint(ResourceNames.Api, "http") };

    public HttpClient As(string email, string password) =>
        new(new BearerHandler(ct => TokenAsync(email, password, ct))
        {
            InnerHandler = new ReadYourWritesHandler(this) { InnerHandler = Observe?.Invoke(new SocketsHttpHandler()) ?? new SocketsHttpHandler() },
        })
        {
            BaseAddress = app().GetEndpoint(ResourceNames.Api, "http"),
        };

    public HttpClient Admin() => As(AdminEmail, AdminPassword);

    public async Task<string> TokenAsync(string email, string password, CancellationToken ct = default)
    {
        if (_tokens.TryGetValue(email, out var cached) && cached.RenewAfter > DateTimeOffset.UtcNow)
        {
            return cached.Token;
        }

        await _gate.WaitAsync(ct);
        try
        {
            if (_tokens.TryGetValue(email, out cached) && cached.RenewAfter > DateTimeOffset.UtcNow)
            {
                return cached.Token;
            }

            using var http = Anonymous();
            using var response = await http.PostAsJsonAsync("/api/auth/login", new LoginRequest(email, password), ct);
            Assert.True(response.IsSuccessStatusCode, $"Sign-in as {email}: {response.StatusCode} {await response.Content.ReadAsStringAsync(ct)}");
            var tokens = (await response.Content.ReadFromJsonAsync<TokenResponse>(ct))!;
            _tokens[email] = (tokens.AccessToken, DateTimeOffset.UtcNow.AddSeconds(tokens.ExpiresIn / 2.0));
            return tokens.AccessToken;
        }
        finally
        {
            _gate.Release();
        }
    }

    /// <summary>The primary's current WAL position (a valid <c>X-Consistency-Token</c>), or null when it cannot be read.</summary>
    public async Task<string?> PrimaryPositionAsync(CancellationToken ct = default)
    {
        try
        {
            var primary = await (_primary ??= CreatePrimaryAsync());
            await using var command = primary.CreateCommand("SELECT pg_current_wal_lsn()::text");
            return (string?)await command.ExecuteScalarAsync(ct);
        }
        catch (Exception ex) when (ex is NpgsqlException or TimeoutException)
        {
            return null;
        }
    }

    public async ValueTask DisposeAsync()
    {
        if (_primary is { IsCompletedSuccessfully: true })
        {
            await (await _primary).DisposeAsync();
        }
    }

    private async Task<NpgsqlDataSource> CreatePrimaryAsync() =>
        NpgsqlDataSource.Create((await app().GetConnectionStringAsync(ResourceNames.BazaarDb))!);

    private sealed class ReadYourWritesHandler(ApiAccounts owner) : DelegatingHandler
    {
        protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken ct)
        {
            if (request.Method == HttpMethod.Get && !request.Headers.Contains(ConsistencyTokenHeader)
                && await owner.PrimaryPositionAsync(ct) is { } position)
            {
                request.Headers.Add(ConsistencyTokenHeader, position);
            }

            return await base.SendAsync(request, ct);
        }
    }

    private sealed class BearerHandler(Func<CancellationToken, Task<string>> token) : DelegatingHandler
    {
        protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken ct)
        {
            request.Headers.Authorization ??= new AuthenticationHeaderValue("Bearer", await token(ct));
            return await base.SendAsync(request, ct);
        }
    }
}
