using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using BazaarCstd.Api.Infrastructure.RateLimiting;
using Microsoft.Extensions.Options;
using StackExchange.Redis;

namespace BazaarCstd.Api.Auth;

/// <summary>
/// Slows down password guessing without handing anyone a way to lock the real user out: failed
/// sign-ins are counted per (email, client address) and per client address, each with growing
/// delays (<see cref="SignInThrottlePolicy"/>), in Redis so every API replica shares them. An
/// attacker elsewhere fills only their own counters; the owner signing in from their own address
/// is not slowed at all. Unknown emails are counted exactly like known ones, so the throttle tells
/// nothing about who has an account.
/// <para>
/// An attempt is counted as a failure <em>before</em> its password is checked, in the same script
/// that decides whether it may go ahead: a burst of parallel guesses cannot all slip through
/// between a check and a count. A success then forgets the (email, address) counter and gives the
/// address its attempt back. If Redis cannot be reached, attempts pass with a warning (as the rate
/// limits do); the bcrypt cost and the per-address rate limit still stand.
/// </para>
/// </summary>
public sealed class SignInThrottle(IConnectionMultiplexer redis, IOptions<AuthOptions> options, ILogger<SignInThrottle> logger)
{
    // KEYS: the (email, address) counter, the address counter. ARGV: unused, memory (ms) of each,
    // each one's delay schedule (ms after 1, 2, … failures, comma-separated; the last entry repeats).
    // Returns the wait in ms (nothing counted), or 0 when the attempt may go ahead (it is counted).
    // "Now" is Redis's own clock, read inside the script: with each replica's clock read before the
    // call, a parallel attempt that read it earlier but ran later saw the other's newer 'last' and
    // waited a few ms although no delay was due (a 429 within the free failures).
    private const string BeginScript = """
        local t = redis.call('TIME')
        local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
        local function wait(key, schedule)
          local v = redis.call('HMGET', key, 'n', 'last')
          local n = tonumber(v[1]) or 0
          if n <= 0 then return 0 end
          local delays = {}
          for d in string.gmatch(schedule, '[^,]+') do delays[#delays + 1] = tonumber(d) end
          local left = tonumber(v[2]) + delays[math.min(n, #delays)] - now
          if left > 0 then return left end
          return 0
        end
        local w = math.max(wait(KEYS[1], ARGV[4]), wait(KEYS[2], ARGV[5]))
        if w > 0 then return w end
        for i, key in ipairs(KEYS) do
          redis.call('HINCRBY', key, 'n', 1)
          redis.call('HSET', key, 'last', now)
          redis.call('PEXPIRE', key, ARGV[i + 1])
        end
        return 0
        """;

    // KEYS: the (email, address) counter, the address counter. Forgets the first, takes back the
    // attempt the second counted in advance.
    private const string SucceededScript = """
        redis.call('DEL', KEYS[1])
        if redis.call('EXISTS', KEYS[2]) == 1 and redis.call('HINCRBY', KEYS[2], 'n', -1) <= 0 then
          redis.call('DEL', KEYS[2])
        end
        return 0
        """;

    private readonly string _accountSchedule = string.Join(',', options.Value.AccountAtAddress.Schedule());
    private readonly string _addressSchedule = string.Join(',', options.Value.Address.Schedule());

    /// <summary>The client address, as the rate limits see it (see <see cref="RateLimitPolicy"/>).</summary>
    public static string ClientAddress(HttpContext http) => RateLimitPolicy.ClientAddress(http.Connection.RemoteIpAddress);

    /// <summary>
    /// Null when an attempt for <paramref name="email"/> from <paramref name="address"/> may go ahead
    /// (it is counted as a failure until <see cref="SucceededAsync"/>); otherwise how long to wait.
    /// </summary>
    public async Task<TimeSpan?> BeginAsync(string email, string address)
    {
        var (pair, ip) = Keys(email, address);
        var o = options.Value;
        try
        {
            var wait = (long)await redis.GetDatabase().ScriptEvaluateAsync(BeginScript, [pair, ip],
            [
                0,
                (long)o.AccountAtAddress.Memory.TotalMilliseconds,
                (long)o.Address.Memory.TotalMilliseconds,
                _accountSchedule,
                _addressSchedule,
            ]);
            return wait > 0 ? TimeSpan.FromMilliseconds(wait) : null;
        }
        catch (Exception ex) when (ex is RedisException or TimeoutException or ObjectDisposedException)
        {
            logger.LogWarning(ex, "Sign-in throttle skipped: Redis is unavailable");
            return null;
        }
    }

    /// <summary>The password was right: the (email, address) failures are forgotten.</summary>
    public async Task SucceededAsync(string email, string address)
    {
        var (pair, ip) = Keys(email, address);
        try
        {
            await redis.GetDatabase().ScriptEvaluateAsync(SucceededScript, [pair, ip]);
        }
        catch (Exception ex) when (ex is RedisException or TimeoutException or ObjectDisposedException)
        {
            logger.LogWarning(ex, "Sign-in throttle not reset: Redis is unavailable");
        }
    }

    /// <summary>The email is hashed: Redis holds no list of who tried to sign in as whom.</summary>
    private static (RedisKey Pair, RedisKey Address) Keys(string email, string address)
    {
        var hash = Convert.ToHexString(SHA256.HashData(Encoding.UTF8.GetBytes(email.Trim().ToLowerInvariant())));
        return ($"bazaar:auth:throttle:{hash}:{address}", $"bazaar:auth:throttle-address:{address}");
    }

    /// <summary>A wait as the <c>Retry-After</c> header gives it: whole seconds, rounded up.</summary>
    public static string RetryAfter(TimeSpan wait) => Math.Max(1, (long)Math.Ceiling(wait.TotalSeconds)).ToString(CultureInfo.InvariantCulture);
}
