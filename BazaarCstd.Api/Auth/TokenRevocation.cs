using StackExchange.Redis;

namespace BazaarCstd.Api.Auth;

/// <summary>
/// Revocation every API replica sees, in Redis: a logged-out token's <c>jti</c> is denied until it
/// expires, and a user whose roles, stores or status changed gets a "not before" stamp that voids
/// every access token issued earlier (the client refreshes and gets one with the new claims; after a
/// password change, logout-all or an admin's revoke its refresh tokens are gone too).
/// If Redis cannot be reached the check fails open with a warning: the API stays up, and tokens
/// still expire within 15 minutes.
/// </summary>
public sealed class TokenRevocation(IConnectionMultiplexer redis, TimeProvider clock, ILogger<TokenRevocation> logger)
{
    private static RedisKey DenyKey(string jti) => $"bazaar:auth:deny:{jti}";

    private static RedisKey StampKey(Guid userId) => $"bazaar:auth:not-before:{userId}";

    private static RedisKey SessionKey(Guid sessionId) => $"bazaar:auth:deny-session:{sessionId}";

    public async Task DenyAsync(string jti, DateTimeOffset expiresAt)
    {
        var ttl = expiresAt - clock.GetUtcNow() + TimeSpan.FromMinutes(1);
        if (ttl > TimeSpan.Zero)
        {
            await Safely(() => redis.GetDatabase().StringSetAsync(DenyKey(jti), "1", ttl), "deny a token");
        }
    }

    // Sets the stamp only if it moves it later: two revocations racing (or the start-up catch-up of
    // an older one) never pull it back and revive a token the later one voided.
    private const string RaiseStampScript = """
        local current = tonumber(redis.call('GET', KEYS[1]) or '0')
        if tonumber(ARGV[1]) > current then redis.call('SET', KEYS[1], ARGV[1], 'PX', ARGV[2]) end
        return 0
        """;

    /// <summary>Voids the user's access tokens issued before now (compared in milliseconds).</summary>
    public Task RevokeIssuedBeforeNowAsync(Guid userId, TimeSpan accessTokenLifetime) =>
        RevokeIssuedBeforeAsync(userId, clock.GetUtcNow(), accessTokenLifetime);

    /// <summary>Voids the user's access tokens issued before <paramref name="instant"/>; nothing to do once they have all expired.</summary>
    public Task RevokeIssuedBeforeAsync(Guid userId, DateTimeOffset instant, TimeSpan accessTokenLifetime)
    {
        var ttl = instant + accessTokenLifetime + TimeSpan.FromMinutes(1) - clock.GetUtcNow();
        return ttl <= TimeSpan.Zero
            ? Task.CompletedTask
            : Safely(() => redis.GetDatabase().ScriptEvaluateAsync(
                RaiseStampScript, [StampKey(userId)], [instant.ToUnixTimeMilliseconds(), (long)ttl.TotalMilliseconds]), "stamp a user");
    }

    /// <summary>Voids every access token of one session (refresh family), e.g. after its refresh token was replayed.</summary>
    public Task RevokeSessionAsync(Guid sessionId, TimeSpan accessTokenLifetime) =>
        Safely(() => redis.GetDatabase().StringSetAsync(SessionKey(sessionId), "1", accessTokenLifetime + TimeSpan.FromMinutes(1)), "deny a session");

    /// <summary>
    /// What a token's revocation check reads, or null when the token lacks an id, session, user or
    /// issue time (then it counts as revoked).
    /// </summary>
    public static RevocationCheck? CheckFor(string? jti, Guid? sessionId, Guid? userId, DateTimeOffset? issuedAt) =>
        jti is null || sessionId is null || userId is null || issuedAt is null
            ? null
            : new RevocationCheck(DenyKey(jti), SessionKey(sessionId.Value), StampKey(userId.Value), issuedAt.Value.ToUnixTimeMilliseconds());

    public async Task<bool> IsRevokedAsync(RevocationCheck check)
    {
        try
        {
            var values = await redis.GetDatabase().StringGetAsync([check.Deny, check.Session, check.NotBefore]);
            return values[0].HasValue || values[1].HasValue
                || (values[2].TryParse(out long notBefore) && check.IssuedAtMs < notBefore);
        }
        catch (Exception ex) when (ex is RedisException or TimeoutException or ObjectDisposedException)
        {
            logger.LogWarning(ex, "Token revocation check skipped: Redis is unavailable");
            return false;
        }
    }

    private async Task Safely(Func<Task> action, string what)
    {
        try
        {
            await action();
        }
        catch (Exception ex) when (ex is RedisException or TimeoutException or ObjectDisposedException)
        {
            logger.LogWarning(ex, "Could not {What}: Redis is unavailable", what);
        }
    }
}

/// <summary>
/// The Redis keys that void a token (its <c>jti</c> denied, its session denied, its user's "not
/// before" stamp) and when it was issued, in milliseconds.
/// </summary>
public readonly record struct RevocationCheck(RedisKey Deny, RedisKey Session, RedisKey NotBefore, long IssuedAtMs);
