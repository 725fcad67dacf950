using System.Data;
using System.Diagnostics;
using BazaarCstd.Data.Ledger;
using Npgsql;
using NpgsqlTypes;

namespace BazaarCstd.MigrationService.DemoData;

/// <summary>
/// Seeds the demo chain (<see cref="DemoChain"/>) once. Stores and products go in with one
/// transaction; every movement goes through <c>bazaar.record_movements</c>, the function the API
/// writes with, one document per call, so the ledger, <c>stock_levels</c> and the outbox agree.
/// </summary>
/// <remarks>
/// Once-only and crash-safe without a marker table: the demo stores' <c>created_at</c> is the start
/// of the generated history, so a later run rebuilds exactly the same chain (same ids, same batch
/// ids) from it. Each store's documents are written in order, one transaction each, so after a crash
/// a store's written documents are a prefix of its list; the last document's batch id in the ledger
/// means that store is done. Complete → nothing to do; partly written → resume after the prefix.
/// </remarks>
public sealed class DemoDataSeeder(NpgsqlDataSource database, TimeProvider clock, ILogger<DemoDataSeeder> logger)
{
    /// <summary>Keeps two seeders (two migration runs) from interleaving; arbitrary but fixed.</summary>
    private const long AdvisoryLockKey = 7_326_741_901_522_113;

    private const string RecordSql =
        "SELECT count(*)::int FROM bazaar.record_movements($1::jsonb, $2::uuid, NULL::uuid, NULL::text)";

    public async Task<DemoSeedResult> SeedAsync(CancellationToken cancellationToken)
    {
        var watch = Stopwatch.StartNew();
        await using var connection = await database.OpenConnectionAsync(cancellationToken);
        await ExecuteAsync(connection, "SELECT pg_advisory_lock($1)", cancellationToken, AdvisoryLockKey);
        try
        {
            var existing = await ReadDemoStoresAsync(connection, cancellationToken);
            DemoChain chain;
            int[] nextDocument;
            var catalogCreated = existing.Count == 0;
            if (catalogCreated)
            {
                chain = DemoChain.Build(clock.GetUtcNow());
                logger.LogInformation(
                    "Seeding demo data: {Stores} stores, {Products} products, {Movements} movements in {Documents} documents over {Days} days up to {End:O} (generated in {GeneratedMs} ms)",
                    chain.Stores.Count, chain.Products.Count, chain.MovementCount, chain.DocumentCount, DemoChain.HistoryDays, chain.End,
                    watch.ElapsedMilliseconds);
                await InsertCatalogAsync(connection, chain, cancellationToken);
                nextDocument = new int[chain.Stores.Count];
            }
            else
            {
                chain = DemoChain.FromStart(existing.Values.Min(s => s.CreatedAt));
                EnsureSameStores(chain, existing);
                nextDocument = await ReadProgressAsync(connection, chain, cancellationToken);
                var remaining = chain.Histories.Select((h, i) => h.Documents.Count - nextDocument[i]).Sum();
                if (remaining == 0)
                {
                    logger.LogInformation(
                        "Demo data is already present ({Stores} stores, history up to {End:O}); nothing to seed",
                        chain.Stores.Count, chain.End);
                    return new DemoSeedResult(false, chain.Stores.Count, chain.Products.Count, 0, 0, chain.End, watch.Elapsed);
                }

                logger.LogWarning(
                    "Demo data is incomplete (an earlier seed was interrupted): resuming with {Documents} of {Total} documents",
                    remaining, chain.DocumentCount);
            }

            var (documents, movements) = await WriteHistoriesAsync(chain, nextDocument, cancellationToken);
            await SettleHistoryEventsAsync(connection, chain, cancellationToken);
            logger.LogInformation(
                "Seeded demo data: {Stores} stores, {Products} products, {Movements} movements in {Documents} documents in {Seconds:0.0} s",
                chain.Stores.Count, chain.Products.Count, movements, documents, watch.Elapsed.TotalSeconds);
            return new DemoSeedResult(catalogCreated, chain.Stores.Count, chain.Products.Count, documents, movements, chain.End, watch.Elapsed);
        }
        finally
        {
            // A broken connection has lost its session, and the lock with it.
            if (connection.State == ConnectionState.Open)
            {
                await ExecuteAsync(connection, "SELECT pg_advisory_unlock($1)", CancellationToken.None, AdvisoryLockKey);
            }
        }
    }

    /// <summary>
    /// The history's events happened before anybody subscribed: of each (store, product) only the
    /// latest is left for the relay to publish (so the alerts consumer works out every pair's alert
    /// from its current stock); the earlier ones are marked published without being sent, instead of
    /// flooding RabbitMQ with three months of simulated sales on the first start.
    /// </summary>
    private static Task SettleHistoryEventsAsync(NpgsqlConnection connection, DemoChain chain, CancellationToken ct) =>
        ExecuteAsync(connection, """
            WITH latest AS (
                SELECT store_id, product_id, max(id) AS id FROM bazaar.inventory_events
                WHERE store_id = ANY($1) AND published_at IS NULL GROUP BY store_id, product_id)
            UPDATE bazaar.inventory_events e SET published_at = now()
            FROM latest l
            WHERE e.store_id = l.store_id AND e.product_id = l.product_id AND e.id < l.id AND e.published_at IS NULL
            """, ct, chain.Stores.Select(s => s.Id).ToArray());

    private sealed record ExistingStore(Guid Id, DateTimeOffset CreatedAt);

    private static async Task<Dictionary<string, ExistingStore>> ReadDemoStoresAsync(NpgsqlConnection connection, CancellationToken ct)
    {
        await using var command = new NpgsqlCommand(
            "SELECT code, id, created_at FROM bazaar.stores WHERE code LIKE $1", connection);
        command.Parameters.Add(new NpgsqlParameter { Value = DemoStores.CodePrefix + "%" });
        var stores = new Dictionary<string, ExistingStore>(StringComparer.Ordinal);
        await using var reader = await command.ExecuteReaderAsync(ct);
        while (await reader.ReadAsync(ct))
        {
            stores[reader.GetString(0)] = new ExistingStore(reader.GetGuid(1), reader.GetFieldValue<DateTimeOffset>(2));
        }

        return stores;
    }

    private static void EnsureSameStores(DemoChain chain, Dictionary<string, ExistingStore> existing)
    {
        foreach (var store in chain.Stores)
        {
            if (!existing.TryGetValue(store.Code, out var found) || found.Id != store.Id || found.CreatedAt != chain.Start)
            {
                throw new InvalidOperationException(
                    $"The database has demo stores ({DemoStores.CodePrefix}…) that this version of the demo data did not create " +
                    $"(store {store.Code} is missing or different), so they cannot be completed. Start from empty data (./run.sh --reset).");
            }
        }
    }

    private static async Task InsertCatalogAsync(NpgsqlConnection connection, DemoChain chain, CancellationToken ct)
    {
        await using var transaction = await connection.BeginTransactionAsync(ct);

        var products = chain.Products;
        await using (var command = new NpgsqlCommand(
            """
            INSERT INTO bazaar.products (id, sku, name, description, category, unit, unit_price, barcode, reorder_point, created_at, updated_at)
            SELECT id, sku, name, description, category, unit, unit_price, barcode, reorder_point, $10, $10
            FROM unnest($1::uuid[], $2::text[], $3::text[], $4::text[], $5::text[], $6::text[], $7::numeric[], $8::text[], $9::numeric[])
                 AS p(id, sku, name, description, category, unit, unit_price, barcode, reorder_point)
            """, connection, transaction))
        {
            command.Parameters.Add(new NpgsqlParameter { Value = products.Select(p => p.Id).ToArray() });
            command.Parameters.Add(new NpgsqlParameter { Value = products.Select(p => p.Sku).ToArray() });
            command.Parameters.Add(new NpgsqlParameter { Value = products.Select(p => p.Name).ToArray() });
            command.Parameters.Add(new NpgsqlParameter { Value = products.Select(p => p.Description).ToArray(), NpgsqlDbType = NpgsqlDbType.Array | NpgsqlDbType.Text });
            command.Parameters.Add(new NpgsqlParameter { Value = products.Select(p => p.Category).ToArray() });
            command.Parameters.Add(new NpgsqlParameter { Value = products.Select(p => p.Unit).ToArray() });
            command.Parameters.Add(new NpgsqlParameter { Value = products.Select(p => p.UnitPrice).ToArray() });
            command.Parameters.Add(new NpgsqlParameter { Value = products.Select(p => p.Barcode).ToArray(), NpgsqlDbType = NpgsqlDbType.Array | NpgsqlDbType.Text });
            command.Parameters.Add(new NpgsqlParameter { Value = products.Select(p => p.ReorderPoint).ToArray() });
            command.Parameters.Add(new NpgsqlParameter { Value = chain.Start });
            await command.ExecuteNonQueryAsync(ct);
        }

        var stores = chain.Stores;
        await using (var command = new NpgsqlCommand(
            """
            INSERT INTO bazaar.stores (id, code, name, timezone, address, created_at, updated_at)
            SELECT id, code, name, timezone, address, $5, $5
            FROM unnest($1::uuid[], $2::text[], $3::text[], $4::text[], $6::text[]) AS s(id, code, name, timezone, address)
            """, connection, transaction))
        {
            command.Parameters.Add(new NpgsqlParameter { Value = stores.Select(s => s.Id).ToArray() });
            command.Parameters.Add(new NpgsqlParameter { Value = stores.Select(s => s.Code).ToArray() });
            command.Parameters.Add(new NpgsqlParameter { Value = stores.Select(s => s.Name).ToArray() });
            command.Parameters.Add(new NpgsqlParameter { Value = stores.Select(s => s.TimeZone).ToArray() });
            command.Parameters.Add(new NpgsqlParameter { Value = chain.Start });
            command.Parameters.Add(new NpgsqlParameter { Value = stores.Select(s => s.Address).ToArray() });
            await command.ExecuteNonQueryAsync(ct);
        }

        await transaction.CommitAsync(ct);
    }

    /// <summary>For each store, the index of its first document not yet in the ledger.</summary>
    private static async Task<int[]> ReadProgressAsync(NpgsqlConnection connection, DemoChain chain, CancellationToken ct)
    {
        var next = new int[chain.Stores.Count];
        var written = await WrittenBatchesAsync(connection, chain.Histories.Select(h => h.Documents[^1].BatchId).ToArray(), ct);
        for (var i = 0; i < chain.Histories.Count; i++)
        {
            var documents = chain.Histories[i].Documents;
            if (written.Contains(documents[^1].BatchId))
            {
                next[i] = documents.Count;
                continue;
            }

            var ofStore = await WrittenBatchesAsync(connection, documents.Select(d => d.BatchId).ToArray(), ct);
            var last = -1;
            for (var d = 0; d < documents.Count; d++)
            {
                if (ofStore.Contains(documents[d].BatchId))
                {
                    last = d;
                }
            }

            next[i] = last + 1;
        }

        return next;
    }

    private static async Task<HashSet<Guid>> WrittenBatchesAsync(NpgsqlConnection connection, Guid[] batchIds, CancellationToken ct)
    {
        await using var command = new NpgsqlCommand(
            "SELECT DISTINCT batch_id FROM bazaar.stock_movements WHERE batch_id = ANY($1)", connection);
        command.Parameters.Add(new NpgsqlParameter { Value = batchIds });
        var found = new HashSet<Guid>();
        await using var reader = await command.ExecuteReaderAsync(ct);
        while (await reader.ReadAsync(ct))
        {
            found.Add(reader.GetGuid(0));
        }

        return found;
    }

    /// <summary>
    /// Writes the stores' remaining documents: a store's in order on one connection, stores in
    /// parallel (different stores never wait on each other's row locks).
    /// </summary>
    private async Task<(int Documents, int Movements)> WriteHistoriesAsync(DemoChain chain, int[] nextDocument, CancellationToken ct)
    {
        var documents = 0;
        var movements = 0;
        var work = Enumerable.Range(0, chain.Histories.Count)
            .Where(i => nextDocument[i] < chain.Histories[i].Documents.Count)
            .OrderByDescending(i => chain.Histories[i].MovementCount)
            .ToList();
        var parallel = new ParallelOptions
        {
            // More connections than cores, so the server is never idle waiting for a round trip
            // (measured on 2 cores: 2 connections 22 s, 4 connections 12 s, 8 no better).
            MaxDegreeOfParallelism = Math.Clamp(Environment.ProcessorCount * 2, 4, 8),
            CancellationToken = ct,
        };
        await Parallel.ForEachAsync(work, parallel, async (i, token) =>
        {
            var history = chain.Histories[i];
            await using var connection = await database.OpenConnectionAsync(token);
            // No WAL flush wait per document: a server crash could lose the last few commits, which
            // the next run's resume writes again (the history is reproducible and written in order).
            await ExecuteAsync(connection, "SET synchronous_commit = off", token);
            for (var d = nextDocument[i]; d < history.Documents.Count; d++)
            {
                var document = history.Documents[d];
                await using var command = new NpgsqlCommand(RecordSql, connection);
                command.Parameters.Add(new NpgsqlParameter { Value = LedgerLine.ToJson([.. document.Lines.Select(l => l.ToLedgerLine(history.Store.Id))]), NpgsqlDbType = NpgsqlDbType.Jsonb });
                command.Parameters.Add(new NpgsqlParameter { Value = document.BatchId });
                int recorded;
                try
                {
                    recorded = (int)(await command.ExecuteScalarAsync(token))!;
                }
                catch (PostgresException ex) when (ex.SqlState.StartsWith("BZ", StringComparison.Ordinal))
                {
                    throw new InvalidOperationException(
                        $"The database refused demo document {d} of store {history.Store.Code} ({ex.SqlState}: {ex.MessageText}). " +
                        "Its stock no longer matches the generated history; start from empty data (./run.sh --reset).", ex);
                }

                if (recorded != document.Lines.Count)
                {
                    throw new InvalidOperationException(
                        $"Demo document {d} of store {history.Store.Code} recorded {recorded} of {document.Lines.Count} lines.");
                }

                Interlocked.Increment(ref documents);
                Interlocked.Add(ref movements, recorded);
            }

            logger.LogDebug("Wrote the demo history of {Store}", history.Store.Code);
        });

        return (documents, movements);
    }

    private static async Task ExecuteAsync(NpgsqlConnection connection, string sql, CancellationToken ct, params object[] values)
    {
        await using var command = new NpgsqlCommand(sql, connection);
        foreach (var value in values)
        {
            command.Parameters.Add(new NpgsqlParameter { Value = value });
        }

        await command.ExecuteNonQueryAsync(ct);
    }
}
