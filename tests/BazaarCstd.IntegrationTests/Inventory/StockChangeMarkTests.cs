using BazaarCstd.Api.Infrastructure.ReadCache;
using ZiggyCreatures.Caching.Fusion;

namespace BazaarCstd.IntegrationTests.Inventory;

/// <summary>
/// A replica's stock change marks, as the other replicas' messages reach it (the channel itself is
/// exercised by <see cref="ReadCacheTests"/> across the shared app's two replicas): a store's mark
/// only moves forward, whatever order two replicas' messages arrive in, and anything else on the
/// channel changes nothing.
/// </summary>
public sealed class StockChangeMarkTests
{
    private readonly ReadCache _cache = new(new FusionCache(new FusionCacheOptions()));

    [Fact]
    public async Task A_mark_only_moves_forward()
    {
        var store = Guid.NewGuid();
        await _cache.MarkStockChangedAsync([store], 500);
        _cache.ApplyMark($"400:{store:N}");
        Assert.Equal(500ul, _cache.StockChangedAt(store));

        _cache.ApplyMark($"700:{store:N}");
        Assert.Equal(700ul, _cache.StockChangedAt(store));
    }

    [Fact]
    public void One_message_marks_every_store_it_names()
    {
        Guid[] stores = [Guid.NewGuid(), Guid.NewGuid()];
        _cache.ApplyMark($"42:{stores[0]:N},{stores[1]:N}");
        Assert.All(stores, s => Assert.Equal(42ul, _cache.StockChangedAt(s)));
        Assert.Equal(0ul, _cache.StockChangedAt(Guid.NewGuid()));
    }

    [Theory]
    [InlineData("")]
    [InlineData("not a mark")]
    [InlineData("-5:{0}")]
    [InlineData(":{0}")]
    [InlineData("12x:{0}")]
    [InlineData("99:{0}-extra")]
    public void Anything_else_on_the_channel_changes_nothing(string format)
    {
        var store = Guid.NewGuid();
        _cache.ApplyMark(string.Format(System.Globalization.CultureInfo.InvariantCulture, format, store.ToString("N")));
        Assert.Equal(0ul, _cache.StockChangedAt(store));
    }
}
