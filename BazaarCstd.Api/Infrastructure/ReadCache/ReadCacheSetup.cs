using System.Text.Json;
using BazaarCstd.Api.Infrastructure.Replica;
using Microsoft.Extensions.Caching.StackExchangeRedis;
using Microsoft.Extensions.Options;
using OpenTelemetry.Metrics;
using StackExchange.Redis;
using ZiggyCreatures.Caching.Fusion;
using ZiggyCreatures.Caching.Fusion.Backplane.StackExchangeRedis;
using ZiggyCreatures.Caching.Fusion.Serialization.SystemTextJson;

namespace BazaarCstd.Api.Infrastructure.ReadCache;

/// <summary>
/// The two-level read cache (docs/decisions.md, "Read cache"): FusionCache with its memory level in
/// each API replica, Redis as the shared second level, and a Redis backplane that tells every
/// replica to drop what a write changed. All three ride on the one <see cref="IConnectionMultiplexer"/>
/// the Aspire client registered (fail-fast backlog, 1 s timeouts), so Redis down costs a read no wait:
/// each Redis step fails at once or after <see cref="RedisStepTimeout"/>, and after a failure the
/// cache stops asking Redis for <see cref="RedisBreakFor"/>, reading the database (or its memory) instead.
/// </summary>
public static class ReadCacheSetup
{
    /// <summary>The backplane's Redis channel is this, then <c>.Backplane:v2</c>.</summary>
    public const string BackplaneChannelPrefix = "bazaar";

    /// <summary>Prefix of the cache's keys in Redis (the second level), apart from the rate limiter's counters.</summary>
    public const string RedisKeyPrefix = "bazaar:read-cache:";

    public static readonly TimeSpan RedisStepTimeout = TimeSpan.FromMilliseconds(250);
    public static readonly TimeSpan RedisBreakFor = TimeSpan.FromSeconds(1);

    public static void AddBazaarReadCache(this IHostApplicationBuilder builder)
    {
        builder.Services.AddSingleton<ReadCache>();

        // Built at start, not in the first request that needs it: its backplane subscribes then, and
        // a first read after Redis went away does not pay for the attempt.
        builder.Services.AddHostedService<ReadCacheWarmUp>();
        builder.Services.AddScoped<ReadCacheInvalidation>();
        builder.Services.AddFusionCache()
            .WithOptions(options =>
            {
                // The default cache (its name is FusionCache's to give); the backplane's channel is ours.
                options.BackplaneChannelPrefix = BackplaneChannelPrefix;
                options.DistributedCacheCircuitBreakerDuration = RedisBreakFor;
                options.BackplaneCircuitBreakerDuration = RedisBreakFor;

                // Redis not there at start is not a reason to wait: the first level serves meanwhile.
                options.WaitForInitialBackplaneSubscribe = false;
            })
            .WithDefaultEntryOptions(entry =>
            {
                entry.Duration = CacheLifetimes.Catalog;
                entry.DistributedCacheHardTimeout = RedisStepTimeout;

                // A read returns as soon as it has its value; writing it to Redis and telling the
                // other replicas happen behind it. Invalidations wait for Redis (ReadCache.InvalidateAsync).
                entry.AllowBackgroundDistributedCacheOperations = true;
                entry.AllowBackgroundBackplaneOperations = true;
            })
            // Fields too: FusionCache checks at start that a value tuple survives the round trip (its
            // Item1/Item2 are fields) and logs a warning at every API start when it does not.
            .WithSerializer(new FusionCacheSystemTextJsonSerializer(new JsonSerializerOptions(JsonSerializerDefaults.Web) { IncludeFields = true }))
            .WithDistributedCache(sp => new RedisCache(Options.Create(new RedisCacheOptions
            {
                ConnectionMultiplexerFactory = () => Task.FromResult(sp.GetRequiredService<IConnectionMultiplexer>()),
                InstanceName = RedisKeyPrefix,
            })))
            // Note: the backplane disposes the connection it was given when the cache is disposed,
            // which happens only as the host stops.
            .WithBackplane(sp => new RedisBackplane(
                Options.Create(new RedisBackplaneOptions
                {
                    ConnectionMultiplexerFactory = () => Task.FromResult(sp.GetRequiredService<IConnectionMultiplexer>()),
                }),
                sp.GetRequiredService<ILogger<RedisBackplane>>()));
        builder.Services.AddOpenTelemetry().WithMetrics(metrics => metrics.AddMeter(ReadCache.MeterName));
    }
}
