using System.Text;
using BazaarCstd.Contracts.Events;
using BazaarCstd.Web.Live;
using Microsoft.Extensions.Logging.Abstractions;

namespace BazaarCstd.Web.Tests.Live;

/// <summary>The in-process hub: a circuit hears only of the stores it watches, and only until it stops.</summary>
public sealed class InventoryChangeFeedTests
{
    private readonly InventoryChangeFeed _feed = new(NullLogger<InventoryChangeFeed>.Instance);

    [Fact]
    public void A_circuit_hears_only_of_its_own_stores()
    {
        Guid mine = Guid.NewGuid(), other = Guid.NewGuid();
        var heard = new List<InventoryChange>();
        using var watch = _feed.Subscribe(new HashSet<Guid> { mine }, heard.Add);

        _feed.Publish(new InventoryChange(EventTypes.StockChanged, other, Guid.NewGuid()));
        _feed.Publish(new InventoryChange(EventTypes.AlertOpened, mine, Guid.NewGuid()));

        var change = Assert.Single(heard);
        Assert.Equal(mine, change.StoreId);
        Assert.True(change.IsAlert);
    }

    [Fact]
    public void A_disposed_watch_hears_nothing_more_and_a_failing_one_does_not_stop_the_others()
    {
        var store = Guid.NewGuid();
        var heard = 0;
        var stopped = _feed.Subscribe(new HashSet<Guid> { store }, _ => heard++);
        using var failing = _feed.Subscribe(new HashSet<Guid> { store }, _ => throw new InvalidOperationException("a broken circuit"));
        using var other = _feed.Subscribe(new HashSet<Guid> { store }, _ => heard += 10);

        _feed.Publish(new InventoryChange(EventTypes.StockChanged, store, null));
        stopped.Dispose();
        _feed.Publish(new InventoryChange(EventTypes.StockChanged, store, null));

        Assert.Equal(21, heard);
        Assert.Equal(2, _feed.Count);
    }

    [Fact]
    public void A_message_becomes_a_change_with_ids_only_and_one_without_a_store_is_ignored()
    {
        var store = Guid.NewGuid();
        var product = Guid.NewGuid();
        var body = $$$"""{"id":7,"type":"stock.changed","storeId":"{{{store}}}","productId":"{{{product}}}","occurredAt":"2026-12-02T10:00:00Z","payload":{"onHand":4}}""";

        Assert.Equal(new InventoryChange(EventTypes.StockChanged, store, product), InventoryEventListener.Read(Encoding.UTF8.GetBytes(body)));
        Assert.Null(InventoryEventListener.Read("""{"id":8,"type":"product.changed","occurredAt":"2026-12-02T10:00:00Z","payload":{}}"""u8));
        Assert.Null(InventoryEventListener.Read("not json"u8));
    }

    [Fact]
    public async Task A_batch_hands_over_many_changes_together()
    {
        var batches = new List<int>();
        var done = new TaskCompletionSource();
        var batch = new ChangeBatch(TimeSpan.FromMilliseconds(100), changes =>
        {
            batches.Add(changes.Count);
            done.TrySetResult();
            return Task.CompletedTask;
        }, NullLogger.Instance);

        for (var i = 0; i < 50; i++)
        {
            batch.Add(new InventoryChange(EventTypes.StockChanged, Guid.NewGuid(), null));
        }

        await done.Task.WaitAsync(TimeSpan.FromSeconds(5));
        Assert.Equal([50], batches);
    }
}
