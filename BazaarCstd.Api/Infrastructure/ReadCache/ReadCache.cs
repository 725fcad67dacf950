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
    private readonly FusionCacheEntryOptions _changeMarks;

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

        // Longer than any stock page lives; written like an invalidation.
        _changeMarks = _invalidation.Duplicate(TimeSpan.FromMinutes(1));
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
    public async Task<ulong> StockChangedAtAsync(Guid storeId, CancellationToken ct) =>
        (await _cache.TryGetAsync<ulong>(ReadCacheKeys.StockChangedAt(storeId), token: ct)).GetValueOrDefault(0);

    /// <summary>
    /// Records that the stores' stock changed at <paramref name="position"/> (a commit's WAL
    /// position), on every API replica; a position older than the one known is ignored here (two
    /// replicas writing the same store at the same moment can still leave the older one: a page
    /// lives 1 s).
    /// </summary>
    public async Task MarkStockChangedAsync(IEnumerable<Guid> storeIds, ulong position, CancellationToken ct)
    {
        foreach (var storeId in storeIds)
        {
            if (position > await StockChangedAtAsync(storeId, ct))
            {
                await _cache.SetAsync(ReadCacheKeys.StockChangedAt(storeId), position, _changeMarks, token: ct);
            }
        }
    }

    public void Count(string kind, string result) =>
        _reads.Add(1, new KeyValuePair<string, object?>("cache.kind", kind), new KeyValuePair<string, object?>("cache.result", result));

    /// <summary>Every entry carrying one of <paramref name="tags"/> is gone, on every API replica.</summary>
    public ValueTask InvalidateAsync(IEnumerable<string> tags, CancellationToken ct = default) => _cache.RemoveByTagAsync(tags, _invalidation, ct);

    public void Dispose() => _meter.Dispose();
}
