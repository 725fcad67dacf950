using System.Net.Http.Json;
using BazaarCstd.Contracts;
using BazaarCstd.Contracts.Events;
using BazaarCstd.Contracts.Stock;
using BazaarCstd.IntegrationTests.Infrastructure;
using BazaarCstd.IntegrationTests.Inventory;
using Npgsql;

namespace BazaarCstd.IntegrationTests.Events;

/// <summary>
/// The Worker's outbox relay against the real PostgreSQL and RabbitMQ of the shared app (two Worker
/// replicas): every committed movement reaches a subscriber of <c>bazaar.inventory</c> once per id,
/// in commit order per product, whatever order transactions commit in.
/// </summary>
[Collection(BazaarAppCollection.Name)]
public sealed class OutboxRelayTests(BazaarAppFixture fixture)
{
    private readonly InventoryApi _api = new(fixture);

    [Fact]
    public async Task A_thousand_sales_on_twenty_products_arrive_as_a_thousand_distinct_events_in_commit_order_per_product()
    {
        var store = await _api.NewStoreAsync();
        var products = new List<Guid>();
        for (var i = 0; i < 20; i++)
        {
            var product = await _api.NewProductAsync();
            await _api.AddStockAsync(store.Id, product.Id, 100);
            products.Add(product.Id);
        }

        await using var tap = await EventTap.StartAsync(fixture.App, EventTypes.StockChanged);

        // 1,000 sales, 20 clients at once, 50 per product.
        var sales = Enumerable.Range(0, 1000).Select(i => products[i % 20]).ToList();
        var next = -1;
        await Task.WhenAll(Enumerable.Range(0, 20).Select(async _ =>
        {
            int i;
            while ((i = Interlocked.Increment(ref next)) < sales.Count)
            {
                using var response = await _api.Http.PostAsJsonAsync("/api/stock/sale", new MovementRequest(store.Id, sales[i], null, 1));
                Assert.Equal(HttpStatusCode.Created, response.StatusCode);
            }
        }));

        var received = await Eventually.ReturnsAsync(async () =>
        {
            var sold = tap.ForStores(store.Id).Where(r => r.Event.Payload.GetProperty("kind").GetString() == MovementKinds.Sale).ToList();
            return sold.Select(r => r.Event.Id).Distinct().Count() >= 1000 ? sold : null;
        }, TimeSpan.FromSeconds(60), "1,000 sale events at the subscriber");

        Assert.Equal(1000, received.Select(r => r.Event.Id).Distinct().Count());
        Assert.All(received, r =>
        {
            Assert.Equal(r.Event.Id.ToString(System.Globalization.CultureInfo.InvariantCulture), r.MessageId);
            Assert.Equal(EventTypes.StockChanged, r.RoutingKey);
            Assert.True(r.Persistent);
        });

        // Per product, first arrivals in commit order: each sale leaves one unit fewer, so the
        // on-hand each event reports counts down 99, 98, … 50 and its version climbs.
        foreach (var product in products)
        {
            var onHand = received.Where(r => r.Event.ProductId == product)
                .DistinctBy(r => r.Event.Id)
                .Select(r => r.Event.Payload.GetProperty("onHand").GetDecimal()).ToList();
            Assert.Equal(Enumerable.Range(50, 50).Reverse().Select(n => (decimal)n), onHand);
        }
    }

    [Fact]
    public async Task A_transaction_that_took_an_early_event_id_and_committed_last_is_still_published()
    {
        var store = await _api.NewStoreAsync();
        var early = await _api.NewProductAsync();
        var later = await _api.NewProductAsync();
        await _api.AddStockAsync(store.Id, early.Id, 10);
        await _api.AddStockAsync(store.Id, later.Id, 10);
        await using var tap = await EventTap.StartAsync(fixture.App, EventTypes.StockChanged);

        // A write transaction (the ledger function itself, as the owner) takes its event id now …
        await using var owner = NpgsqlDataSource.Create((await fixture.App.GetConnectionStringAsync(ResourceNames.BazaarDb))!);
        await using var connection = await owner.OpenConnectionAsync();
        await using var transaction = await connection.BeginTransactionAsync();
        await using (var command = new NpgsqlCommand("SELECT count(*) FROM bazaar.record_movements($1::jsonb, gen_random_uuid())", connection, transaction))
        {
            command.Parameters.Add(new NpgsqlParameter { Value = $$"""[{"kind":"sale","storeId":"{{store.Id}}","productId":"{{early.Id}}","quantity":1}]""" });
            await command.ExecuteScalarAsync();
        }

        long earlyId;
        await using (var command = new NpgsqlCommand("SELECT max(id) FROM bazaar.inventory_events WHERE product_id = $1", connection, transaction))
        {
            command.Parameters.Add(new NpgsqlParameter { Value = early.Id });
            earlyId = (long)(await command.ExecuteScalarAsync())!;
        }

        // … a later sale commits and is published while it is still open …
        using (var response = await _api.Http.PostAsJsonAsync("/api/stock/sale", new MovementRequest(store.Id, later.Id, null, 1)))
        {
            Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        }

        var laterEvent = await Eventually.ReturnsAsync(
            () => Task.FromResult(Sales(tap, store.Id).FirstOrDefault(r => r.Event.ProductId == later.Id)),
            TimeSpan.FromSeconds(10), "the later sale's event");
        Assert.True(laterEvent.Event.Id > earlyId, "the later sale should have the higher event id");
        Assert.DoesNotContain(Sales(tap, store.Id), r => r.Event.ProductId == early.Id);

        // … and once it commits, its earlier id is published too.
        await transaction.CommitAsync();
        var earlyEvent = await Eventually.ReturnsAsync(
            () => Task.FromResult(Sales(tap, store.Id).FirstOrDefault(r => r.Event.ProductId == early.Id)),
            TimeSpan.FromSeconds(10), "the early transaction's event after it committed");
        Assert.Equal(earlyId, earlyEvent.Event.Id);
    }

    /// <summary>The sales among what arrived (the stock-ins of the setup may arrive after the tap started).</summary>
    private static List<EventTap.Received> Sales(EventTap tap, Guid store) =>
        [.. tap.ForStores(store).Where(r => r.Event.Payload.GetProperty("kind").GetString() == MovementKinds.Sale)];
}
