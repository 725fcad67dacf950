using BazaarCstd.Contracts.Stock;
using BazaarCstd.Data.Ledger;
using BazaarCstd.MigrationService.DemoData;

namespace BazaarCstd.IntegrationTests.DemoData;

/// <summary>
/// The generator on its own (no app): deterministic, and every document it produces is one the ledger
/// accepts — whole numbers where the unit needs them, never more out than is on hand, business time
/// in write order.
/// </summary>
public sealed class DemoChainTests
{
    private static readonly DateTimeOffset s_end = new(2026, 3, 29, 14, 37, 0, TimeSpan.Zero); // a DST change in Europe
    private static readonly Lazy<DemoChain> s_chain = new(() => DemoChain.Build(s_end));

    [Fact]
    public void The_same_end_gives_the_same_chain()
    {
        var again = DemoChain.Build(s_end.AddSeconds(42));
        var chain = s_chain.Value;

        Assert.Equal(chain.Stores.Select(s => (s.Id, s.Code, s.Size)), again.Stores.Select(s => (s.Id, s.Code, s.Size)));
        Assert.Equal(chain.Products, again.Products);
        Assert.Equal(chain.Histories.Count, again.Histories.Count);
        for (var i = 0; i < chain.Histories.Count; i++)
        {
            var a = chain.Histories[i].Documents;
            var b = again.Histories[i].Documents;
            Assert.Equal(a.Select(d => d.BatchId), b.Select(d => d.BatchId));
            Assert.Equal(a.SelectMany(d => d.Lines), b.SelectMany(d => d.Lines));
        }
    }

    [Fact]
    public void The_chain_is_the_promised_size()
    {
        var chain = s_chain.Value;

        Assert.Equal(20, chain.Stores.Count);
        Assert.Equal(300, chain.Products.Count);
        Assert.Equal(chain.Products.Count, chain.Products.Select(p => p.Sku).Distinct().Count());
        Assert.InRange(chain.MovementCount, 100_000, 250_000);
        Assert.All(chain.Histories, h => Assert.InRange(h.FinalOnHand.Count, 100, 200));
    }

    [Fact]
    public void Every_document_is_one_the_ledger_accepts()
    {
        var chain = s_chain.Value;
        var products = chain.Products.ToDictionary(p => p.Id);
        foreach (var history in chain.Histories)
        {
            var onHand = new Dictionary<Guid, decimal>();
            var lastAt = new Dictionary<Guid, DateTimeOffset>();
            foreach (var document in history.Documents)
            {
                Assert.InRange(document.Lines.Count, 1, DemoDocument.MaxLines);
                foreach (var line in document.Lines)
                {
                    var product = products[line.ProductId];
                    Assert.True(line.Quantity == Math.Round(line.Quantity, product.IsWhole ? 0 : 3), $"{line.Quantity} {product.Unit}");
                    Assert.InRange(line.OccurredAt, chain.Start, chain.End);
                    Assert.True(line.OccurredAt >= lastAt.GetValueOrDefault(line.ProductId), "business time goes back");
                    lastAt[line.ProductId] = line.OccurredAt;

                    var before = onHand.GetValueOrDefault(line.ProductId);
                    onHand[line.ProductId] = line.Kind switch
                    {
                        MovementKinds.StockIn => before + line.Quantity,
                        MovementKinds.Sale or MovementKinds.Removal => before - line.Quantity,
                        LedgerLine.CountKind => line.Quantity,
                        _ => throw new InvalidOperationException(line.Kind),
                    };
                    Assert.True(line.Quantity > 0 || line.Kind == LedgerLine.CountKind);
                    Assert.True(onHand[line.ProductId] >= 0, $"{history.Store.Code} {product.Sku} goes negative");
                }
            }

            Assert.Equal(history.FinalOnHand.OrderBy(kv => kv.Key), onHand.OrderBy(kv => kv.Key));
        }
    }
}
