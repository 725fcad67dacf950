using BazaarCstd.Api.Infrastructure;
using BazaarCstd.Api.Infrastructure.ReadCache;
using BazaarCstd.Api.Infrastructure.Replica;
using BazaarCstd.Contracts;
using BazaarCstd.Contracts.Stock;
using NpgsqlTypes;
using ZiggyCreatures.Caching.Fusion;

namespace BazaarCstd.Api.Stock;

/// <summary>
/// Current stock of one store (<c>storeId</c> given, no <c>asOf</c>) through the read cache; every
/// other stock query reads the database. In this order:
/// <list type="number">
/// <item><b>Scope first</b>, from the caller's token: a store the caller may not see never reaches
/// the cache, and is read (to nothing) as before. The cached page is read without the caller's
/// scope, so it is the same for everyone who may see the store and the key holds no user.</item>
/// <item><b>Read-your-writes</b>: each page carries the WAL position it was read at; a request
/// with <c>X-Consistency-Token</c> takes the cached page only when it is at least that new, and
/// otherwise reads the database as <see cref="ReplicaReadsMiddleware"/> routed it (not cached).</item>
/// <item>Otherwise the cached page, read once per key and API replica when missing, unless it is
/// older than its store's last change known here (<see cref="ReadCache.StockChangedAt"/>).</item>
/// </list>
/// A page lives <see cref="Lifetime"/> in the memory of the API replica that read it, and any
/// movement in its store makes it stale on every replica (its store's change mark, or its tag removed
/// through the backplane when the mark could not be sent): a store's page polled by
/// many tills costs each API replica about one query a second whatever the number of tills, and a
/// sale shows at once. Pages skip Redis: a second is not worth a round trip to it, and Redis keeps
/// keys for whole seconds only (the cache's Redis client would store a 1 s entry with no time left).
/// </summary>
public sealed class StockPageCache(ReadCache cache, StockReader reader, IHttpContextAccessor http)
{
    public const string Kind = "stock";

    /// <summary>
    /// Also the bound on a page read just before a write and stored just after its invalidation
    /// (the race every invalidating cache has): such a page lives at most this long.
    /// </summary>
    public static readonly TimeSpan Lifetime = TimeSpan.FromSeconds(1);

    private readonly FusionCacheEntryOptions _options = cache.For(Lifetime).SetSkipDistributedCache(true, skipBackplaneNotifications: true);

    public async Task<Page<StockRow>> CurrentAsync(StockQuery q, StoreScope scope, CancellationToken ct)
    {
        if (q is not { StoreId: { } storeId, AsOf: null } || !scope.Includes(storeId))
        {
            return await reader.CurrentAsync(q, scope, ct);
        }

        var key = ReadCacheKeys.StockPage(storeId, q.ProductId, q.Sku, q.Category, q.LowStock, q.Cursor, q.Limit);
        if (Token() is { } token)
        {
            if (await cache.TryGetAsync<CachedStockPage>(key, ct) is { } cached && new NpgsqlLogSequenceNumber(cached.ReadAt) >= token)
            {
                cache.Count(Kind, "hit");
                return cached.Page;
            }

            cache.Count(Kind, "bypass");
            return await reader.CurrentAsync(q, scope, ct);
        }

        // A page older than the store's last change known here was filled from a database that had
        // not got it yet (the write's invalidation came first): read again, from the primary if the
        // replica is still behind. Once: a change after this read's start is not this read's to wait for.
        var changedAt = cache.StockChangedAt(storeId);
        for (var attempt = 0; ; attempt++)
        {
            var page = await cache.GetOrReadAsync(Kind, key, [ReadCacheKeys.StoreStockTag(storeId), ReadCacheKeys.StockTag], _options, async token =>
            {
                // Unscoped: the caller may see this store, and the page must not depend on who filled it.
                var (read, readAt) = await reader.CurrentWithPositionAsync(q, new StoreScope(), token);
                if ((ulong)readAt < changedAt && http.HttpContext?.Features.Get<ReadRoute>() is { Replica: true } route)
                {
                    route.FallBack();
                    (read, readAt) = await reader.CurrentWithPositionAsync(q, new StoreScope(), token);
                }

                return new CachedStockPage(read, (ulong)readAt);
            }, ct);
            if (page.ReadAt >= changedAt || attempt > 0)
            {
                return page.Page;
            }

            await cache.RemoveAsync(key, _options, ct);
        }
    }

    private NpgsqlLogSequenceNumber? Token() =>
        http.HttpContext?.Request.Headers.TryGetValue(ConsistencyToken.HeaderName, out var values) is true
        && ConsistencyToken.TryParse(values, out var token)
            ? token
            : null;
}
