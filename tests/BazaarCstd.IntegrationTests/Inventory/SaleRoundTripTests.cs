using BazaarCstd.Api.Infrastructure;
using BazaarCstd.Api.Infrastructure.Idempotency;
using BazaarCstd.Api.Infrastructure.ReadCache;
using BazaarCstd.Api.Infrastructure.Replica;
using BazaarCstd.Api.Stock;
using BazaarCstd.Contracts.Stock;
using BazaarCstd.Data.Ledger;
using BazaarCstd.IntegrationTests.Infrastructure;
using Microsoft.AspNetCore.Http;
using Npgsql;

namespace BazaarCstd.IntegrationTests.Inventory;

/// <summary>
/// The write-path rule (DESIGN.md §3): a sale, or a whole batch, is one database round trip, its
/// commit position included; with an <c>Idempotency-Key</c>, two (claim + ledger, then the stored
/// response + commit). Counted from
/// Npgsql's own tracing around the API's <see cref="WriteSession"/> and <see cref="StockLedger"/>, on a
/// data source of the test's own.
/// </summary>
[Collection(BazaarAppCollection.Name)]
public sealed class SaleRoundTripTests(BazaarAppFixture fixture)
{
    private readonly InventoryApi _api = new(fixture);

    /// <summary>
    /// The one command also carries the commit and the primary's WAL position behind it: the answer's
    /// <c>X-Consistency-Token</c> needs no second round trip.
    /// </summary>
    [Fact]
    public async Task A_sale_is_one_database_command_that_also_reads_its_commit_position()
    {
        var store = await _api.NewStoreAsync();
        var product = await _api.NewProductAsync();
        await _api.AddStockAsync(store.Id, product.Id, 5);
        await using var counter = await DatabaseCommandCounter.CreateAsync(fixture);
        var before = await PositionAsync(counter.DataSource);
        var request = new DefaultHttpContext();

        var commands = await counter.CommandsSentByAsync(db => RecordAsync(NewSession(db, request), Line(MovementKinds.Sale, store.Id, product.Id, 1)));

        Assert.Single(commands);
        var committed = request.Features.Get<CommittedPosition>();
        Assert.NotNull(committed);
        Assert.True(committed.Lsn > before, $"the commit position {committed.Lsn} is not past {before}, read before the sale");
        Assert.Equal(4m, await _api.OnHandAsync(store.Id, product.Id));
    }

    /// <summary>
    /// A refused sale fails inside its own <c>BEGIN</c>; on one pooled connection kept without
    /// Npgsql's reset, as the API keeps them, the next sale must still find a connection that works.
    /// </summary>
    [Fact]
    public async Task A_refused_sale_leaves_its_pooled_connection_fit_for_the_next_sale()
    {
        var store = await _api.NewStoreAsync();
        var product = await _api.NewProductAsync();
        await _api.AddStockAsync(store.Id, product.Id, 5);
        var builder = new NpgsqlDataSourceBuilder(await fixture.App.GetConnectionStringAsync(BazaarCstd.Contracts.ResourceNames.BazaarDb));
        builder.ConnectionStringBuilder.MaxPoolSize = 1;
        builder.ConnectionStringBuilder.NoResetOnClose = true;
        await using var database = builder.Build();

        var refused = await Assert.ThrowsAsync<DomainException>(() => RecordAsync(NewSession(database, new DefaultHttpContext()), Line(MovementKinds.Sale, store.Id, product.Id, 50)));
        Assert.Equal(StatusCodes.Status409Conflict, refused.Status);
        var request = new DefaultHttpContext();
        await RecordAsync(NewSession(database, request), Line(MovementKinds.Sale, store.Id, product.Id, 2));

        Assert.NotNull(request.Features.Get<CommittedPosition>());
        Assert.Equal(3m, await _api.OnHandAsync(store.Id, product.Id));
    }

    [Fact]
    public async Task A_three_line_batch_is_one_database_command()
    {
        var store = await _api.NewStoreAsync();
        var soap = await _api.NewProductAsync();
        var rice = await _api.NewProductAsync(unit: "kg");
        var salt = await _api.NewProductAsync();
        await _api.AddStockAsync(store.Id, soap.Id, 5);
        await _api.AddStockAsync(store.Id, rice.Id, 10);
        await using var counter = await DatabaseCommandCounter.CreateAsync(fixture);

        var commands = await counter.CommandsSentByAsync(db => RecordAsync(NewSession(db),
            Line(MovementKinds.Sale, store.Id, soap.Id, 2),
            Line(MovementKinds.Sale, store.Id, rice.Id, 1.5m),
            Line(MovementKinds.StockIn, store.Id, salt.Id, 12)));

        Assert.Single(commands);
        Assert.Equal(3m, await _api.OnHandAsync(store.Id, soap.Id));
        Assert.Equal(8.5m, await _api.OnHandAsync(store.Id, rice.Id));
        Assert.Equal(12m, await _api.OnHandAsync(store.Id, salt.Id));
    }

    [Fact]
    public async Task A_keyed_sale_is_two_database_commands_its_commit_position_included_and_a_refused_one_too()
    {
        var store = await _api.NewStoreAsync();
        var product = await _api.NewProductAsync();
        await _api.AddStockAsync(store.Id, product.Id, 5);
        await using var counter = await DatabaseCommandCounter.CreateAsync(fixture);

        var soldRequest = new DefaultHttpContext();
        var refusedRequest = new DefaultHttpContext();
        var sold = await counter.CommandsSentByAsync(db => KeyedAsync(db, soldRequest, refused: false, Line(MovementKinds.Sale, store.Id, product.Id, 2)));
        var refused = await counter.CommandsSentByAsync(db => KeyedAsync(db, refusedRequest, refused: true, Line(MovementKinds.Sale, store.Id, product.Id, 50)));

        Assert.Equal(2, sold.Count);
        Assert.Equal(2, refused.Count);
        Assert.NotNull(soldRequest.Features.Get<CommittedPosition>()); // read behind the COMMIT, in the second command
        Assert.NotNull(refusedRequest.Features.Get<CommittedPosition>());
        Assert.Equal(3m, await _api.OnHandAsync(store.Id, product.Id));
    }

    // The only place these tests know how the write session and the ledger are built and called.
    private static WriteSession NewSession(NpgsqlDataSource database, HttpContext? request = null) =>
        new(database, new HttpContextAccessor { HttpContext = request });

    private static async Task<NpgsqlTypes.NpgsqlLogSequenceNumber> PositionAsync(NpgsqlDataSource database)
    {
        await using var command = database.CreateCommand(CommittedPosition.Sql);
        return (NpgsqlTypes.NpgsqlLogSequenceNumber)(await command.ExecuteScalarAsync())!;
    }

    private static Task RecordAsync(WriteSession session, params LedgerLine[] lines) =>
        new StockLedger(session, new StoreScope(), NoCache).RecordAsync(lines, idempotencyKey: null, CancellationToken.None);

    /// <summary>The ledger's cache invalidation, against a memory-only cache of the test's own (the app's is not reachable from here).</summary>
    private static readonly ReadCacheInvalidation NoCache = new(
        new ReadCache(new ZiggyCreatures.Caching.Fusion.FusionCache(new ZiggyCreatures.Caching.Fusion.FusionCacheOptions())),
        NpgsqlDataSource.Create("Host=unused"),
        new HttpContextAccessor(),
        Microsoft.Extensions.Logging.Abstractions.NullLogger<ReadCacheInvalidation>.Instance);

    /// <summary>What <see cref="IdempotencyFilter"/> does around a keyed request's handler.</summary>
    private static async Task KeyedAsync(NpgsqlDataSource database, HttpContext request, bool refused, params LedgerLine[] lines)
    {
        await using var session = NewSession(database, request);
        var key = new IdempotencyKeys.Key($"round-trip-test-{Guid.NewGuid():N}", Guid.NewGuid().ToString(), "hash");
        await session.BeginKeyedAsync(key, CancellationToken.None);
        try
        {
            await RecordAsync(session, lines);
            Assert.False(refused, "the sale should have been refused");
            await session.CompleteAsync(new StoredResponse(StatusCodes.Status201Created, "{}", null), refused: false);
        }
        catch (DomainException) when (refused)
        {
            await session.CompleteAsync(new StoredResponse(StatusCodes.Status409Conflict, "{}", null), refused: true);
        }
    }

    private static LedgerLine Line(string kind, Guid storeId, Guid productId, decimal quantity) =>
        LedgerLine.Movement(kind, storeId, productId, quantity);
}
