namespace BazaarCstd.Web.Live;

/// <summary>
/// Collects the changes a component hears and hands them over together, at most once per
/// <c>delay</c>, one batch at a time: a busy store's hundred sales a second become a few refreshes,
/// not a hundred API calls per open page.
/// </summary>
public sealed class ChangeBatch(TimeSpan delay, Func<IReadOnlyList<InventoryChange>, Task> handle, ILogger logger)
{
    private readonly Lock _gate = new();
    private List<InventoryChange> _pending = [];
    private bool _scheduled;

    public static readonly TimeSpan DefaultDelay = TimeSpan.FromMilliseconds(150);

    public void Add(InventoryChange change)
    {
        lock (_gate)
        {
            _pending.Add(change);
            if (_scheduled)
            {
                return;
            }

            _scheduled = true;
        }

        _ = RunAsync();
    }

    private async Task RunAsync()
    {
        while (true)
        {
            await Task.Delay(delay);
            List<InventoryChange> batch;
            lock (_gate)
            {
                if (_pending.Count == 0)
                {
                    _scheduled = false;
                    return;
                }

                batch = _pending;
                _pending = [];
            }

            try
            {
                await handle(batch);
            }
            catch (Exception ex)
            {
                // The page keeps what it shows; the next change refreshes again.
                logger.LogWarning(ex, "A live refresh of {Count} changes failed", batch.Count);
            }
        }
    }
}
