using BazaarCstd.Api.Infrastructure;
using BazaarCstd.Api.Infrastructure.Replica;
using BazaarCstd.Contracts;
using BazaarCstd.Contracts.Stock;
using Npgsql;
using NpgsqlTypes;

namespace BazaarCstd.Api.Stock;

/// <summary>
/// Stock reads. Current stock comes from the <c>stock_levels</c> projection; stock as of an instant
/// from each shelf's latest snapshot before it plus the movements whose business time
/// (<c>occurred_at</c>) lies between the two. Reads go through <see cref="ReadDatabase"/> (the replica
/// when it has caught up with the caller's writes). Columns are read by name.
/// </summary>
public sealed class StockReader(ReadDatabase database)
{
    /// <summary>The current levels with their store and product, in the columns <see cref="StockRowReader"/> reads.</summary>
    public const string CurrentLevels = """
        SELECT l.store_id, s.code AS store_code, l.product_id, p.sku, p.name, p.unit, l.on_hand,
               coalesce(t.reorder_point, p.reorder_point) AS reorder_point, l.updated_at
        FROM bazaar.stock_levels l
        JOIN bazaar.stores s ON s.id = l.store_id
        JOIN bazaar.products p ON p.id = l.product_id
        LEFT JOIN bazaar.stock_thresholds t ON t.store_id = l.store_id AND t.product_id = l.product_id
        """;

    private const string CurrentSql = CurrentLevels + "\n" + """
        WHERE ($1::uuid IS NULL OR l.store_id = $1)
          AND ($2::uuid IS NULL OR l.product_id = $2)
          AND ($3::text IS NULL OR lower(p.sku) = lower($3))
          AND ($4::text IS NULL OR p.category = $4)
          AND (NOT $5 OR l.on_hand <= coalesce(t.reorder_point, p.reorder_point))
          AND ($6::uuid IS NULL OR (l.store_id, l.product_id) > ($6, $7))
          AND ($10::uuid[] IS NULL OR l.store_id = ANY($10))
        ORDER BY l.store_id, l.product_id
        LIMIT $8
        """;

    // Stock as of $9 per shelf: its latest snapshot before that instant (bazaar.stock_snapshots, exact
    // to the movement, covering movements dated before its own instant) plus its movements from the
    // snapshot's instant through $9, so a shelf sums at most about a snapshot interval's movements
    // whatever the ledger's size. A shelf with no movement by $9 is not listed. The recorded_at bound
    // repeats the occurred_at one (occurredAt is never more than 5 minutes ahead of recorded_at) so
    // the scan skips the ledger's older monthly partitions.
    private const string AsOfSql = """
        SELECT l.store_id, s.code AS store_code, l.product_id, p.sku, p.name, p.unit,
               coalesce(snap.on_hand, 0) + coalesce(since.delta, 0) AS on_hand,
               coalesce(t.reorder_point, p.reorder_point) AS reorder_point,
               greatest(snap.last_occurred, since.last_occurred) AS updated_at
        FROM bazaar.stock_levels l
        JOIN bazaar.stores s ON s.id = l.store_id
        JOIN bazaar.products p ON p.id = l.product_id
        LEFT JOIN bazaar.stock_thresholds t ON t.store_id = l.store_id AND t.product_id = l.product_id
        LEFT JOIN LATERAL (
            SELECT ss.at, ss.on_hand, ss.last_occurred
            FROM bazaar.stock_snapshots ss
            WHERE ss.store_id = l.store_id AND ss.product_id = l.product_id AND ss.at <= $9
            ORDER BY ss.at DESC
            LIMIT 1) snap ON true
        CROSS JOIN LATERAL (
            SELECT sum(m.delta) AS delta, max(m.occurred_at) AS last_occurred
            FROM bazaar.stock_movements m
            WHERE m.store_id = l.store_id AND m.product_id = l.product_id
              AND m.occurred_at <= $9 AND m.occurred_at >= coalesce(snap.at, '-infinity')
              AND m.recorded_at >= coalesce(snap.at, '-infinity') - interval '5 minutes') since
        WHERE (snap.at IS NOT NULL OR since.last_occurred IS NOT NULL)
          AND ($1::uuid IS NULL OR l.store_id = $1)
          AND ($2::uuid IS NULL OR l.product_id = $2)
          AND ($3::text IS NULL OR lower(p.sku) = lower($3))
          AND ($4::text IS NULL OR p.category = $4)
          AND (NOT $5 OR coalesce(snap.on_hand, 0) + coalesce(since.delta, 0) <= coalesce(t.reorder_point, p.reorder_point))
          AND ($6::uuid IS NULL OR (l.store_id, l.product_id) > ($6, $7))
          AND ($10::uuid[] IS NULL OR l.store_id = ANY($10))
        ORDER BY l.store_id, l.product_id
        LIMIT $8
        """;

    private const string MovementsSql = """
        SELECT m.id, m.store_id, m.product_id, p.sku, m.kind, m.quantity, m.delta, m.reason, m.reference, m.note,
               m.occurred_at, m.recorded_at, m.device_id, m.batch_id
        FROM bazaar.stock_movements m
        JOIN bazaar.products p ON p.id = m.product_id
        WHERE ($1::uuid IS NULL OR m.store_id = $1)
          AND ($2::uuid IS NULL OR m.product_id = $2)
          AND ($3::text IS NULL OR m.kind = $3)
          AND ($4::timestamptz IS NULL OR m.occurred_at >= $4)
          AND ($4::timestamptz IS NULL OR m.recorded_at >= $4 - interval '5 minutes') -- skips older months
          AND ($5::timestamptz IS NULL OR m.occurred_at <= $5)
          AND ($6::text IS NULL OR m.reference = $6)
          AND ($7::uuid IS NULL OR m.batch_id = $7)
          AND ($8::timestamptz IS NULL OR (m.recorded_at, m.id) < ($8, $9))
          AND ($11::uuid[] IS NULL OR m.store_id = ANY($11))
          AND ($12::bigint IS NULL OR m.id = $12)
        ORDER BY m.recorded_at DESC, m.id DESC
        LIMIT $10
        """;

    /// <summary>
    /// The WAL position the database serving this read has (the replica: replayed; the primary:
    /// written). Read in a statement of its own before the page's, whose snapshot is taken later,
    /// so the page holds at least every write committed at or before it.
    /// </summary>
    private const string PositionSql = "SELECT CASE WHEN pg_is_in_recovery() THEN pg_last_wal_replay_lsn() ELSE pg_current_wal_lsn() END";

    public async Task<Page<StockRow>> CurrentAsync(StockQuery q, StoreScope scope, CancellationToken ct)
    {
        await using var command = database.CreateCommand(q.AsOf is null ? CurrentSql : AsOfSql);
        AddCurrentParameters(command.Parameters, q, scope);
        await using var reader = await command.ExecuteReaderAsync(ct);
        return await ReadPageAsync(reader, q, ct);
    }

    /// <summary>
    /// Current stock (no <c>asOf</c>) with the WAL position it is at least as new as, in one round
    /// trip: what a cached stock page is compared with a consistency token by (<see cref="StockPageCache"/>).
    /// </summary>
    public async Task<(Page<StockRow> Page, NpgsqlLogSequenceNumber ReadAt)> CurrentWithPositionAsync(StockQuery q, StoreScope scope, CancellationToken ct)
    {
        if (q.AsOf is not null)
        {
            throw new ArgumentException("A position is read with current stock only.", nameof(q));
        }

        await using var batch = database.CreateBatch();
        batch.BatchCommands.Add(new NpgsqlBatchCommand(PositionSql));
        var page = new NpgsqlBatchCommand(CurrentSql);
        AddCurrentParameters(page.Parameters, q, scope);
        batch.BatchCommands.Add(page);

        await using var reader = await batch.ExecuteReaderAsync(ct);
        await reader.ReadAsync(ct);
        var readAt = reader.GetFieldValue<NpgsqlLogSequenceNumber>(0);
        await reader.NextResultAsync(ct);
        return (await ReadPageAsync(reader, q, ct), readAt);
    }

    private static void AddCurrentParameters(NpgsqlParameterCollection parameters, StockQuery q, StoreScope scope)
    {
        var after = q.DecodedCursor;
        parameters.Add(NullableParameter.Uuid(q.StoreId));
        parameters.Add(NullableParameter.Uuid(q.ProductId));
        parameters.Add(NullableParameter.Text(q.Sku));
        parameters.Add(NullableParameter.Text(q.Category));
        parameters.Add(new NpgsqlParameter { Value = q.LowStock ?? false });
        parameters.Add(NullableParameter.Uuid(after?.Store));
        parameters.Add(NullableParameter.Uuid(after?.Product));
        parameters.Add(new NpgsqlParameter { Value = (q.Limit ?? Cursor.DefaultLimit) + 1 });
        parameters.Add(NullableParameter.Timestamp(q.AsOf));
        parameters.Add(scope.Parameter());
    }

    private static async Task<Page<StockRow>> ReadPageAsync(NpgsqlDataReader reader, StockQuery q, CancellationToken ct)
    {
        var limit = q.Limit ?? Cursor.DefaultLimit;
        var rows = new List<StockRow>();
        while (await reader.ReadAsync(ct))
        {
            rows.Add(StockRowReader.Read(reader));
        }

        return Cursor.ToPage(rows, limit, last => Cursor.Encode(last.StoreId.ToString(), last.ProductId.ToString()));
    }

    public async Task<Movement?> MovementAsync(long id, StoreScope scope, CancellationToken ct) =>
        (await ReadMovementsAsync(new MovementQuery(null, null, null, null, null, null, null, null, 1), scope, id, ct)).Items.SingleOrDefault();

    public Task<Page<Movement>> MovementsAsync(MovementQuery q, StoreScope scope, CancellationToken ct) => ReadMovementsAsync(q, scope, null, ct);

    private async Task<Page<Movement>> ReadMovementsAsync(MovementQuery q, StoreScope scope, long? movementId, CancellationToken ct)
    {
        var limit = q.Limit ?? Cursor.DefaultLimit;
        var after = q.DecodedCursor;
        await using var command = database.CreateCommand(MovementsSql);
        command.Parameters.Add(NullableParameter.Uuid(q.StoreId));
        command.Parameters.Add(NullableParameter.Uuid(q.ProductId));
        command.Parameters.Add(NullableParameter.Text(q.Kind));
        command.Parameters.Add(NullableParameter.Timestamp(q.From));
        command.Parameters.Add(NullableParameter.Timestamp(q.To));
        command.Parameters.Add(NullableParameter.Text(q.Reference));
        command.Parameters.Add(NullableParameter.Uuid(q.BatchId));
        command.Parameters.Add(NullableParameter.Timestamp(after?.At));
        command.Parameters.Add(new NpgsqlParameter { Value = after?.Id ?? 0L });
        command.Parameters.Add(new NpgsqlParameter { Value = limit + 1 });
        command.Parameters.Add(scope.Parameter());
        command.Parameters.Add(NullableParameter.Bigint(movementId));

        var rows = new List<Movement>();
        await using var reader = await command.ExecuteReaderAsync(ct);
        while (await reader.ReadAsync(ct))
        {
            rows.Add(MovementRow.Read(reader));
        }

        return Cursor.ToPage(rows, limit, last => Cursor.EncodeInstantAndId(last.RecordedAt, last.Id));
    }

}
