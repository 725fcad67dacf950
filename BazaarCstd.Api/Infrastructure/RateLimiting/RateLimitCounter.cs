using BazaarCstd.Api.Auth;
using StackExchange.Redis;

namespace BazaarCstd.Api.Infrastructure.RateLimiting;

/// <summary>
/// Fixed-window request counters in Redis, shared by every API replica: one Lua script per request
/// (one round trip) increments the partition's counter, starts its window on the first hit and
/// returns the count and the time left in the window. If Redis cannot be reached the request is
/// let through (fail open) with a warning, and the limiter rests for
/// <see cref="RateLimitOptions.FailOpenPause"/> before it asks Redis again. A signed-in request is
/// counted in the same round trip as its token's revocation check (<see cref="HitUnlessRevokedAsync"/>).
/// </summary>
public sealed class RateLimitCounter(IConnectionMultiplexer redis, TimeProvider clock, ILogger<RateLimitCounter> logger)
{
    // KEYS[1]: the counter; ARGV[1]: the window (ms). With a token (HitUnlessRevokedAsync) also
    // KEYS[2..4]: its revocation keys (TokenRevocation) and ARGV[2]: when it was issued (ms); a revoked
    // token's request is not counted. PTTL < 0: a new key (INCR made it 1) or, defensively, one that
    // lost its expiry. Returns { revoked } or { 0, count, ttl }.
    private const string Script = """
        if #KEYS == 4 then
          if redis.call('EXISTS', KEYS[2], KEYS[3]) > 0 then return { 1 } end
          local notBefore = tonumber(redis.call('GET', KEYS[4]) or '0')
          if tonumber(ARGV[2]) < notBefore then return { 1 } end
        end
        local count = redis.call('INCR', KEYS[1])
        local ttl = redis.call('PTTL', KEYS[1])
        if ttl < 0 then
          redis.call('PEXPIRE', KEYS[1], ARGV[1])
          ttl = tonumber(ARGV[1])
        end
        return { 0, count, ttl }
        """;

    private long _pausedUntilTicks;

    /// <summary>The window after counting this request, or null when the limiter could not count (fail open).</summary>
    public async Task<RateLimitWindow?> HitAsync(RateLimitPolicy policy, string partition, TimeSpan failOpenPause) =>
        await RunAsync([Key(policy, partition)], [(long)policy.Rule.Window.TotalMilliseconds], failOpenPause) is { } result
            ? Window(policy, result)
            : null;

    /// <summary>
    /// The token's revocation check and, unless it is revoked, this request's count, in one round
    /// trip: what a signed-in request costs Redis. Null when the limiter rests or Redis failed: then
    /// the caller checks the token on its own (<see cref="TokenRevocation.IsRevokedAsync"/>) and the
    /// request is not counted (fail open).
    /// </summary>
    public async Task<(bool Revoked, RateLimitWindow? Window)?> HitUnlessRevokedAsync(
        RevocationCheck token, RateLimitPolicy policy, string partition, TimeSpan failOpenPause) =>
        await RunAsync(
            [Key(policy, partition), token.Deny, token.Session, token.NotBefore],
            [(long)policy.Rule.Window.TotalMilliseconds, token.IssuedAtMs],
            failOpenPause) switch
        {
            null => null,
            var result when (long)result[0] == 1 => (true, null),
            var result => (false, Window(policy, result)),
        };

    /// <summary>The script's answer, or null while the limiter rests or when Redis failed (which starts a rest).</summary>
    private async Task<RedisResult[]?> RunAsync(RedisKey[] keys, RedisValue[] args, TimeSpan failOpenPause)
    {
        var now = clock.GetUtcNow().UtcTicks;
        if (now < Interlocked.Read(ref _pausedUntilTicks))
        {
            return null;
        }

        try
        {
            return (RedisResult[])(await redis.GetDatabase().ScriptEvaluateAsync(Script, keys, args))!;
        }
        catch (Exception ex) when (ex is RedisException or TimeoutException or ObjectDisposedException)
        {
            // Only the request that starts a pause logs, so a Redis outage is one warning per pause, not one per request.
            if (Interlocked.Exchange(ref _pausedUntilTicks, now + failOpenPause.Ticks) <= now)
            {
                logger.LogWarning(ex, "Rate limiting is off for {Pause}: Redis is unavailable, requests are let through", failOpenPause);
            }

            return null;
        }
    }

    private static RateLimitWindow Window(RateLimitPolicy policy, RedisResult[] result) =>
        new(policy.Rule, (long)result[1], TimeSpan.FromMilliseconds((long)result[2]));

    private static RedisKey Key(RateLimitPolicy policy, string partition) => $"bazaar:ratelimit:{policy.Name}:{partition}";
}
