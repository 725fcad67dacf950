using BazaarCstd.Api.Infrastructure.Replica;
using Npgsql;
using NpgsqlTypes;

namespace BazaarCstd.Api.Infrastructure.ReadCache;

/// <summary>
/// What this write request changed, as cache tags (<see cref="ReadCacheKeys"/>), invalidated once
/// it is committed: as its answer starts, and only for a 2xx answer. Not earlier: a keyed request
/// commits in its idempotency filter after the handler, and a read that filled the cache between an
/// early invalidation and the commit would keep the old value. Not later: the answer must not reach
/// a client before the cache forgot what the write changed.
/// <para>
/// A change to stores' stock records the commit's WAL position per store instead
/// (<see cref="ReadCache.MarkStockChangedAsync"/>): every page of the store read before it — cached
/// before the write, or filled just after it from a database that had not got the write yet — is
/// then known to be stale (<c>Stock.StockPageCache</c>); its tag is invalidated only if the mark could not be recorded. The position is the one the answer's <c>X-Consistency-Token</c>
/// carries: this sets it as the request's <see cref="CommittedPosition"/>, so it is read once.
/// </para>
/// </summary>
public sealed class ReadCacheInvalidation(ReadCache cache, NpgsqlDataSource primary, IHttpContextAccessor http, ILogger<ReadCacheInvalidation> logger)
{
    private HashSet<string>? _tags;
    private HashSet<Guid>? _stockStores;

    /// <summary>The stock pages of <paramref name="storeIds"/> changed (a movement, a threshold).</summary>
    public void AfterStockChange(params IEnumerable<Guid> storeIds)
    {
        var stores = storeIds.ToList();
        After(stores.Select(ReadCacheKeys.StoreStockTag));
        if (http.HttpContext is not null)
        {
            (_stockStores ??= []).UnionWith(stores);
        }
    }

    public void After(params IEnumerable<string> tags)
    {
        if (http.HttpContext is not { } context)
        {
            // Outside a request (tests that drive the ledger directly) the caller owns the commit: forget now.
            _ = InvalidateAsync([.. tags], CancellationToken.None);
            return;
        }

        if (_tags is null)
        {
            _tags = [];
            context.Response.OnStarting(() => FlushAsync(context));
        }

        _tags.UnionWith(tags);
    }

    /// <summary>
    /// Not under the request's <c>RequestAborted</c>: the write is committed whether or not its client
    /// is still there to read the answer, and a till that hung up must not leave the other replicas
    /// serving what it changed. Each step is bounded on its own (Redis's hard timeout, the command timeout).
    /// </summary>
    private async Task FlushAsync(HttpContext context)
    {
        if (_tags is not { Count: > 0 } tags || context.Response.StatusCode is < 200 or >= 300)
        {
            return;
        }

        if (_stockStores is { Count: > 0 } stores && await CommittedAtAsync(context) is { } position)
        {
            try
            {
                await cache.MarkStockChangedAsync(stores, (ulong)position);

                // The mark alone makes every page of these stores read before the change stale, on every
                // replica (StockPageCache compares a page's read position with it); removing the pages by
                // tag as well would cost each sale a Redis write and a backplane message more.
                tags.ExceptWith(stores.Select(ReadCacheKeys.StoreStockTag));
            }
            catch (Exception ex)
            {
                logger.LogWarning(ex, "Could not record the stock change of {Stores}; their cached pages expire on their own.", string.Join(", ", stores));
            }
        }

        if (tags.Count > 0)
        {
            await InvalidateAsync(tags, CancellationToken.None);
        }
    }

    private async Task<NpgsqlLogSequenceNumber?> CommittedAtAsync(HttpContext context)
    {
        if (context.Features.Get<CommittedPosition>() is { } committed)
        {
            return committed.Lsn;
        }

        try
        {
            await using var command = primary.CreateCommand(CommittedPosition.Sql);
            var lsn = (NpgsqlLogSequenceNumber)(await command.ExecuteScalarAsync(CancellationToken.None))!;
            context.Features.Set(new CommittedPosition(lsn));
            return lsn;
        }
        catch (Exception ex) when (ex is NpgsqlException or TimeoutException)
        {
            logger.LogWarning("No commit position for the read cache: {Reason}", ex.Message);
            return null;
        }
    }

    private async Task InvalidateAsync(IReadOnlyCollection<string> tags, CancellationToken ct)
    {
        try
        {
            await cache.InvalidateAsync(tags, ct);
        }
        catch (Exception ex)
        {
            // FusionCache swallows Redis failures itself; anything else must not turn a committed write into an error.
            logger.LogWarning(ex, "Could not invalidate the read cache for {Tags}; entries expire on their own.", string.Join(", ", tags));
        }
    }
}
