using System.Collections.Concurrent;
using System.Diagnostics.Metrics;
using System.Globalization;
using StackExchange.Redis;
using ZiggyCreatures.Caching.Fusion;

namespace BazaarCstd.Api.Infrastructure.ReadCache;

/// <summary>
/// What read endpoints ask of the cache: a value by key, read from the database by one caller per
/// key and API replica while the others wait for it (stampede protection), and invalidation by
/// tag after a write (<see cref="ReadCacheInvalidation"/>). Counts hits and misses as
/// <c>bazaar.cache.reads</c> (<c>cache.kind</c>; <c>cache.result</c>: hit, miss, or bypass for a stock read whose
/// consistency token is newer than the cached page). Also keeps each store's last stock change known
/// to this replica (<see cref="MarkStockChangedAsync"/>), shared with the other replicas through a
/// Redis channel of its own.
/// </summary>
public sealed class ReadCache : IDisposable
{
    public const string MeterName = "BazaarCstd.Api.Cache";

    /// <summary>The Redis channel that carries stock change marks: <c>{position}:{store:N}[,{store:N}…]</c>.</summary>
    public static readonly RedisChannel StockChangesChannel = RedisChannel.Literal("bazaar:stock-changed");

    private readonly IFusionCache _cache;
    private readonly IConnectionMultiplexer? _redis;
    private readonly ConcurrentDictionary<Guid, ulong> _stockChangedAt = new();
    private readonly Meter _meter = new(MeterName);
    private readonly Counter<long> _reads;
    private readonly FusionCacheEntryOptions _invalidation;

    /// <param name="redis">Where stock change marks go to the other replicas; without it (tests) they stay in this one.</param>
    public ReadCache(IFusionCache cache, IConnectionMultiplexer? redis = null)
    {
        _cache = cache;
        _redis = redis;
        _reads = _meter.CreateCounter<long>("bazaar.cache.reads", "{read}", "Cached reads, by kind (cache.kind) and whether the cache answered (cache.result: hit, miss or bypass).");

        // A write's answer leaves only once Redis holds the invalidation and the other replicas were
        // told; with Redis down that fails at once, and the write is answered all the same.
        _invalidation = cache.CreateEntryOptions(entry =>
        {
            entry.AllowBackgroundDistributedCacheOperations = false;
            entry.AllowBackgroundBackplaneOperations = false;
        });
    }

    /// <summary>Entry options for values kept <paramref name="duration"/> (create once, reuse).</summary>
    public FusionCacheEntryOptions For(TimeSpan duration) => _cache.CreateEntryOptions(duration: duration);

    /// <summary>
    /// Products and stores: as long as a client may keep them (<see cref="CacheLifetimes.Catalog"/>),
    /// so the server's copy is never older than what HTTP caching already allows.
    /// </summary>
    public FusionCacheEntryOptions Catalog => field ??= For(CacheLifetimes.Catalog);

    public async Task<T> GetOrReadAsync<T>(
        string kind, string key, IReadOnlyCollection<string> tags, FusionCacheEntryOptions options, Func<CancellationToken, Task<T>> read, CancellationToken ct)
    {
        var missed = false;
        var value = await _cache.GetOrSetAsync<T>(key, async (_, token) =>
        {
            missed = true;
            return await read(token);
        }, default, options, tags, ct);
        Count(kind, missed ? "miss" : "hit");
        return value;
    }

    /// <summary>The cached value, if any; does not read the database.</summary>
    public async Task<T?> TryGetAsync<T>(string key, CancellationToken ct) where T : class =>
        (await _cache.TryGetAsync<T>(key, token: ct)).GetValueOrDefault(null!);

    public Task RemoveAsync(string key, FusionCacheEntryOptions options, CancellationToken ct) => _cache.RemoveAsync(key, options, ct).AsTask();

    /// <summary>The WAL position of the last committed change to <paramref name="storeId"/>'s stock pages this API replica knows of (0: none).</summary>
    public ulong StockChangedAt(Guid storeId) => _stockChangedAt.GetValueOrDefault(storeId);

    /// <summary>
    /// Records that the stores' stock changed at <paramref name="position"/> (a commit's WAL
    /// position), here and, through one Redis <c>PUBLISH</c>, on every other API replica before this
    /// returns. A replica keeps the highest position it was told per store, so marks only move
    /// forward. Throws when Redis cannot take the message (the caller then invalidates by tag).
    /// </summary>
    public async Task MarkStockChangedAsync(IReadOnlyCollection<Guid> storeIds, ulong position)
    {
        foreach (var storeId in storeIds)
        {
            Raise(storeId, position);
        }

        if (_redis is not null)
        {
            var message = position.ToString(CultureInfo.InvariantCulture) + ":" + string.Join(',', storeIds.Select(s => s.ToString("N")));
            await _redis.GetSubscriber().PublishAsync(StockChangesChannel, message);
        }
    }

    /// <summary>
    /// Listens to the other replicas' marks. Once is enough: the Redis client subscribes again after
    /// every reconnect. Marks published while this replica was cut off are not replayed; a page read
    /// meanwhile lives its second (as when Redis is down).
    /// </summary>
    public Task SubscribeToStockChangesAsync() =>
        _redis is null ? Task.CompletedTask : _redis.GetSubscriber().SubscribeAsync(StockChangesChannel, (_, message) => ApplyMark(message));

    /// <summary>Applies one published mark; anything else on the channel is ignored.</summary>
    internal void ApplyMark(string? message)
    {
        var text = message.AsSpan();
        var colon = text.IndexOf(':');
        if (colon <= 0 || !ulong.TryParse(text[..colon], NumberStyles.None, CultureInfo.InvariantCulture, out var position))
        {
            return;
        }

        foreach (var range in text[(colon + 1)..].Split(','))
        {
            if (Guid.TryParseExact(text[(colon + 1)..][range], "N", out var storeId))
            {
                Raise(storeId, position);
            }
        }
    }

    private void Raise(Guid storeId, ulong position) =>
        _stockChangedAt.AddOrUpdate(storeId, position, (_, known) => Math.Max(known, position));

    public void Count(string kind, string result) =>
        _reads.Add(1, new KeyValuePair<string, object?>("cache.kind", kind), new KeyValuePair<string, object?>("cache.result", result));

    /// <summary>Every entry carrying one of <paramref name="tags"/> is gone, on every API replica.</summary>
    public ValueTask InvalidateAsync(IEnumerable<string> tags, CancellationToken ct = default) => _cache.RemoveByTagAsync(tags, _invalidation, ct);

    public void Dispose() => _meter.Dispose();
}
