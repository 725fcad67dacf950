namespace BazaarCstd.Api.Infrastructure.ReadCache;

/// <summary>
/// What this write request changed, as cache tags (<see cref="ReadCacheKeys"/>), invalidated once
/// it is committed: as its answer starts, and only for a 2xx answer. Not earlier: a keyed request
/// commits in its idempotency filter after the handler, and a read that filled the cache between an
/// early invalidation and the commit would keep the old value. Not later: the answer must not reach
/// a client before the cache forgot what the write changed.
/// </summary>
public sealed class ReadCacheInvalidation(ReadCache cache, IHttpContextAccessor http, ILogger<ReadCacheInvalidation> logger)
{
    private HashSet<string>? _tags;

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

    private Task FlushAsync(HttpContext context) =>
        _tags is { Count: > 0 } tags && context.Response.StatusCode is >= 200 and < 300
            ? InvalidateAsync(tags, context.RequestAborted)
            : Task.CompletedTask;

    private async Task InvalidateAsync(IReadOnlyCollection<string> tags, CancellationToken ct)
    {
        try
        {
            await cache.InvalidateAsync(tags, ct);
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            // FusionCache swallows Redis failures itself; anything else must not turn a committed write into an error.
            logger.LogWarning(ex, "Could not invalidate the read cache for {Tags}; entries expire on their own.", string.Join(", ", tags));
        }
    }
}
