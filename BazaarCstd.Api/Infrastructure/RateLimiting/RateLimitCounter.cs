using StackExchange.Redis;

namespace BazaarCstd.Api.Infrastructure.RateLimiting;

/// <summary>
/// Fixed-window request counters in Redis, shared by every API replica: one Lua script per request
/// (one round trip) increments the partition's counter, starts its window on the first hit and
/// returns the count and the time left in the window. If Redis cannot be reached the request is
/// let through (fail open) with a warning, and the limiter rests for
/// <see cref="RateLimitOptions.FailOpenPause"/> before it asks Redis again.
/// </summary>
public sealed class RateLimitCounter(IConnectionMultiplexer redis, TimeProvider clock, ILogger<RateLimitCounter> logger)
{
    // PTTL < 0: a new key (INCR made it 1) or, defensively, one that lost its expiry.
    private const string Script = """
        local count = redis.call('INCR', KEYS[1])
        local ttl = redis.call('PTTL', KEYS[1])
        if ttl < 0 then
          redis.call('PEXPIRE', KEYS[1], ARGV[1])
          ttl = tonumber(ARGV[1])
        end
        return { count, ttl }
        """;

    private long _pausedUntilTicks;

    /// <summary>The window after counting this request, or null when the limiter could not count (fail open).</summary>
    public async Task<RateLimitWindow?> HitAsync(RateLimitPolicy policy, string partition, TimeSpan failOpenPause)
    {
        var now = clock.GetUtcNow().UtcTicks;
        if (now < Interlocked.Read(ref _pausedUntilTicks))
        {
            return null;
        }

        try
        {
            var result = (RedisResult[])(await redis.GetDatabase().ScriptEvaluateAsync(Script,
                [$"bazaar:ratelimit:{policy.Name}:{partition}"], [(long)policy.Rule.Window.TotalMilliseconds]))!;
            return new RateLimitWindow(policy.Rule, (long)result[0], TimeSpan.FromMilliseconds((long)result[1]));
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
}
