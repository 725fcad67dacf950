using System.Security.Cryptography;
using System.Text.Json;
using BazaarCstd.Contracts.Auth;
using Microsoft.Extensions.Caching.Distributed;

namespace BazaarCstd.Web.Auth;

/// <summary>
/// The signed-in users' API tokens, on the server (backend-for-frontend): the browser holds only an
/// HttpOnly cookie naming its session here. An access token is refreshed shortly before it expires,
/// once per session at a time — the API's refresh tokens work once, and a second use of a spent one
/// revokes the whole session.
/// </summary>
/// <remarks>
/// Backed by <see cref="IDistributedCache"/> (in memory today): with several Web replicas it becomes
/// Redis, and the refresh lock below must then be a distributed one.
/// </remarks>
public sealed class ApiTokenStore(IDistributedCache cache, AuthApiClient auth, TimeProvider clock, ILogger<ApiTokenStore> logger)
{
    /// <summary>Refresh when less than this is left of the access token's life.</summary>
    public static readonly TimeSpan RefreshMargin = TimeSpan.FromMinutes(2);

    /// <summary>As long as the API's refresh tokens live: past it the session cannot be renewed.</summary>
    public static readonly TimeSpan SessionLifetime = TimeSpan.FromDays(7);

    private static readonly SemaphoreSlim[] s_refreshLocks = [.. Enumerable.Range(0, 64).Select(_ => new SemaphoreSlim(1, 1))];

    /// <summary>Keeps new tokens; returns the key of the session that the cookie will name.</summary>
    public async Task<string> CreateAsync(TokenResponse tokens, CancellationToken ct = default)
    {
        var key = Convert.ToHexString(RandomNumberGenerator.GetBytes(32));
        await SaveAsync(key, tokens, ct);
        return key;
    }

    public async Task<bool> ExistsAsync(string sessionKey, CancellationToken ct = default) =>
        await cache.GetAsync(CacheKey(sessionKey), ct) is not null;

    /// <summary>
    /// A valid access token for the session, refreshed first when it is about to expire; null when
    /// the session is gone or the API refused to renew it (the session is then removed).
    /// </summary>
    public async Task<string?> AccessTokenAsync(string sessionKey, CancellationToken ct = default)
    {
        var tokens = await ReadAsync(sessionKey, ct);
        if (tokens is null || !NeedsRefresh(tokens))
        {
            return tokens?.AccessToken;
        }

        var gate = s_refreshLocks[(sessionKey.GetHashCode() & int.MaxValue) % s_refreshLocks.Length];
        await gate.WaitAsync(ct);
        try
        {
            // Another request of this session may have refreshed while this one waited.
            tokens = await ReadAsync(sessionKey, ct);
            if (tokens is null || !NeedsRefresh(tokens))
            {
                return tokens?.AccessToken;
            }

            var renewed = await auth.RefreshAsync(tokens.RefreshToken, ct);
            if (renewed is null)
            {
                logger.LogInformation("The API refused to renew a dashboard session; the user signs in again");
                await RemoveAsync(sessionKey, ct);
                return null;
            }

            await SaveAsync(sessionKey, renewed, ct);
            return renewed.AccessToken;
        }
        finally
        {
            gate.Release();
        }
    }

    public Task RemoveAsync(string sessionKey, CancellationToken ct = default) => cache.RemoveAsync(CacheKey(sessionKey), ct);

    private bool NeedsRefresh(ApiTokens tokens) => tokens.AccessTokenExpiresAt - clock.GetUtcNow() < RefreshMargin;

    private async Task<ApiTokens?> ReadAsync(string sessionKey, CancellationToken ct) =>
        await cache.GetAsync(CacheKey(sessionKey), ct) is { } bytes ? JsonSerializer.Deserialize<ApiTokens>(bytes) : null;

    private Task SaveAsync(string sessionKey, TokenResponse tokens, CancellationToken ct)
    {
        var stored = new ApiTokens(tokens.AccessToken, tokens.RefreshToken, clock.GetUtcNow().AddSeconds(tokens.ExpiresIn));
        return cache.SetAsync(CacheKey(sessionKey), JsonSerializer.SerializeToUtf8Bytes(stored),
            new DistributedCacheEntryOptions { AbsoluteExpirationRelativeToNow = SessionLifetime }, ct);
    }

    private static string CacheKey(string sessionKey) => $"bazaar-web:session:{sessionKey}";
}
