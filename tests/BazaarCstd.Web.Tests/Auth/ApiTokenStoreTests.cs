using BazaarCstd.Contracts.Auth;
using BazaarCstd.Web.Auth;
using BazaarCstd.Web.Tests.Infrastructure;
using Microsoft.Extensions.Caching.Distributed;
using Microsoft.Extensions.Caching.Memory;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;

namespace BazaarCstd.Web.Tests.Auth;

/// <summary>The server-side token store: tokens are renewed before they expire, once per session, and a refused renewal ends the session.</summary>
public sealed class ApiTokenStoreTests
{
    private readonly FakeApi _api = new();
    private readonly FakeTimeProvider _clock = new(DateTimeOffset.Parse("2026-12-01T10:00:00Z", System.Globalization.CultureInfo.InvariantCulture));
    private readonly ApiTokenStore _store;

    public ApiTokenStoreTests() =>
        _store = new ApiTokenStore(
            new MemoryDistributedCache(Options.Create(new MemoryDistributedCacheOptions())),
            new AuthApiClient(_api.Client()), _clock, NullLogger<ApiTokenStore>.Instance);

    [Fact]
    public async Task A_fresh_token_is_used_as_it_is()
    {
        var session = await _store.CreateAsync(new TokenResponse("access-1", "refresh-1", 900));

        Assert.Equal("access-1", await _store.AccessTokenAsync(session));
        Assert.Empty(_api.Requests);
    }

    [Fact]
    public async Task A_token_about_to_expire_is_refreshed_once_for_concurrent_calls()
    {
        var session = await _store.CreateAsync(new TokenResponse("access-1", "refresh-1", 900));
        _clock.Advance(TimeSpan.FromSeconds(900) - ApiTokenStore.RefreshMargin + TimeSpan.FromSeconds(1));
        _api.Answer(HttpStatusCode.OK, new TokenResponse("access-2", "refresh-2", 900));

        var tokens = await Task.WhenAll(Enumerable.Range(0, 5).Select(_ => _store.AccessTokenAsync(session)));

        Assert.All(tokens, token => Assert.Equal("access-2", token));
        var (request, body) = Assert.Single(_api.Requests);
        Assert.Equal("/api/auth/refresh", request.RequestUri!.AbsolutePath);
        Assert.Contains("refresh-1", body, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_refused_renewal_ends_the_session()
    {
        var session = await _store.CreateAsync(new TokenResponse("access-1", "refresh-1", 900));
        _clock.Advance(TimeSpan.FromMinutes(16));
        _api.Answer(HttpStatusCode.Unauthorized, new { title = "Not signed in." }, "application/problem+json");

        Assert.Null(await _store.AccessTokenAsync(session));
        Assert.False(await _store.ExistsAsync(session));
    }
}
