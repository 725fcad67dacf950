using BazaarCstd.Web.Services;

namespace BazaarCstd.Web.Live;

/// <summary>
/// One circuit's view of <see cref="InventoryChangeFeed"/>: changes of the stores its user may see
/// (as the API lists them for that user, read once per circuit). Pages and the navigation badge watch
/// through it and then fetch what changed through the API.
/// </summary>
public sealed class LiveInventory(InventoryChangeFeed feed, InventoryApiClient api)
{
    private Task<IReadOnlySet<Guid>>? _storeIds;

    /// <summary>Calls <paramref name="onChange"/> (on the listener's thread) for each change the user may hear of, until disposed.</summary>
    public async Task<IDisposable> WatchAsync(Action<InventoryChange> onChange)
    {
        var storeIds = await (_storeIds ??= LoadStoreIdsAsync());
        return feed.Subscribe(storeIds, onChange);
    }

    private async Task<IReadOnlySet<Guid>> LoadStoreIdsAsync()
    {
        try
        {
            return (await api.GetStoresAsync()).Select(s => s.Id).ToHashSet();
        }
        catch
        {
            _storeIds = null; // ask again next time
            throw;
        }
    }
}
