namespace BazaarCstd.Web.Live;

/// <summary>
/// This Web instance's in-process hub: <see cref="InventoryEventListener"/> publishes each change it
/// receives from RabbitMQ, and every connected circuit that watches the change's store hears of it.
/// Each instance has its own listener and queue, so with several Web replicas every one of them
/// hears every change and tells its own circuits.
/// </summary>
public sealed class InventoryChangeFeed(ILogger<InventoryChangeFeed> logger)
{
    private readonly Lock _gate = new();
    private Subscription[] _subscriptions = [];

    /// <summary>Circuits watching now.</summary>
    public int Count => Volatile.Read(ref _subscriptions).Length;

    /// <summary>
    /// Calls <paramref name="onChange"/> for every change in one of <paramref name="storeIds"/> (the
    /// stores the circuit's user may see, as the API listed them) until the result is disposed. It runs
    /// on the listener's thread: keep it short (queue the work, do not await the API there).
    /// </summary>
    public IDisposable Subscribe(IReadOnlySet<Guid> storeIds, Action<InventoryChange> onChange)
    {
        var subscription = new Subscription(this, storeIds, onChange);
        lock (_gate)
        {
            _subscriptions = [.. _subscriptions, subscription];
        }

        return subscription;
    }

    public void Publish(InventoryChange change)
    {
        foreach (var subscription in Volatile.Read(ref _subscriptions))
        {
            if (!subscription.StoreIds.Contains(change.StoreId))
            {
                continue;
            }

            try
            {
                subscription.OnChange(change);
            }
            catch (Exception ex)
            {
                // One circuit's failure must not keep the change from the others.
                logger.LogWarning(ex, "A circuit's handler of a {Type} change failed", change.Type);
            }
        }
    }

    private void Remove(Subscription subscription)
    {
        lock (_gate)
        {
            _subscriptions = [.. _subscriptions.Where(s => s != subscription)];
        }
    }

    private sealed class Subscription(InventoryChangeFeed feed, IReadOnlySet<Guid> storeIds, Action<InventoryChange> onChange) : IDisposable
    {
        public IReadOnlySet<Guid> StoreIds { get; } = storeIds;

        public Action<InventoryChange> OnChange { get; } = onChange;

        public void Dispose() => feed.Remove(this);
    }
}
