using System.Diagnostics.Metrics;
using ZiggyCreatures.Caching.Fusion;

namespace BazaarCstd.Api.Infrastructure.ReadCache;

/// <summary>
/// What read endpoints ask of the cache: a value by key, read from the database by one caller per
/// key and API replica while the others wait for it (stampede protection), and invalidation by
/// tag after a write (<see cref="ReadCacheInvalidation"/>). Counts hits and misses as
/// <c>bazaar.cache.reads</c> (<c>cache.kind</c>; <c>cache.result</c>: hit, miss, or bypass for a stock read whose
/// consistency token is newer than the cached page).
/// </summary>
public sealed class ReadCache : IDisposable
{
    public const string MeterName = "BazaarCstd.Api.Cache";

    private readonly IFusionCache _cache;
    private readonly Meter _meter = new(MeterName);
    private readonly Counter<long> _reads;
    private readonly FusionCacheEntryOptions _invalidation;

    public ReadCache(IFusionCache cache)
    {
        _cache = cache;
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

    public void Count(string kind, string result) =>
        _reads.Add(1, new KeyValuePair<string, object?>("cache.kind", kind), new KeyValuePair<string, object?>("cache.result", result));

    /// <summary>Every entry carrying one of <paramref name="tags"/> is gone, on every API replica.</summary>
    public ValueTask InvalidateAsync(IEnumerable<string> tags, CancellationToken ct = default) => _cache.RemoveByTagAsync(tags, _invalidation, ct);

    public void Dispose() => _meter.Dispose();
}
