using System.Diagnostics;
using Npgsql;

namespace BazaarCstd.Chaos;

/// <summary>
/// The checks at the end of a run, each against the database as its owner (the ledger, the
/// outbox, the inbox, the alerts, the dead letters) and the tills' log. Everything but the
/// whole-database consistency functions is limited to the run's stores and keys.
/// </summary>
public sealed class InvariantChecks(NpgsqlDataSource database, ChaosDataset data, IReadOnlyList<TillOperation> operations, string keyPrefix)
{
    private Guid[] Stores => [.. data.Stores];

    public async Task<List<Invariant>> CheckAsync(DateTimeOffset runStart, IReadOnlyCollection<string> poison, CancellationToken ct)
    {
        return
        [
            Answered(),
            await NoNegativeLevelAsync(ct),
            await VerifyAsync("verify_stock_levels() is empty (levels = sum of movements)", "SELECT count(*) FROM bazaar.verify_stock_levels()", ct),
            await VerifyAsync("verify_stock_snapshots() is empty (snapshots = movements before them)", "SELECT count(*) FROM bazaar.verify_stock_snapshots()", ct),
            .. await LedgerMatchesLogAsync(ct),
            await LevelsMatchAnswersAsync(ct),
            await EventsAsync(ct),
            await AlertsAsync(ct),
            await DeadLettersAsync(runStart, poison, ct),
        ];
    }

    private Invariant Answered()
    {
        var unanswered = operations.Where(o => o.Status == 0).ToList();
        var byStatus = string.Join(", ", operations.GroupBy(o => (o.Kind, o.Status, o.Problem)).OrderBy(g => g.Key.Kind).ThenBy(g => g.Key.Status)
            .Select(g => $"{g.Key.Kind} {(g.Key.Status == 0 ? "unanswered" : g.Key.Status)}{(g.Key.Status >= 400 ? " " + g.Key.Problem : "")}: {g.Count():N0}"));
        var retried = operations.Count(o => o.Attempts > 1);
        return new Invariant("every operation got a final answer (2xx or a 4xx refusal)", unanswered.Count == 0,
            $"{operations.Count:N0} operations; {byStatus}; {retried:N0} needed more than one attempt " +
            $"({operations.Sum(o => o.Attempts - 1):N0} retries), {operations.Count(o => o.Replayed):N0} kept answers were replays" +
            (unanswered.Count == 0 ? "" : $"; unanswered e.g. {unanswered[0].Key} ({unanswered[0].Problem})"));
    }

    private async Task<Invariant> NoNegativeLevelAsync(CancellationToken ct)
    {
        var negative = await ScalarAsync<long>("SELECT count(*) FROM bazaar.stock_levels WHERE on_hand < 0", ct);
        var (zero, shelves) = await PairAsync<long, long>(
            "SELECT count(*) FILTER (WHERE on_hand = 0), count(*) FROM bazaar.stock_levels WHERE store_id = ANY($1)", ct, Stores);
        return new Invariant("no negative stock level", negative == 0, $"{negative} negative in the whole database; of the run's {shelves:N0} shelves {zero:N0} are empty");
    }

    private async Task<Invariant> VerifyAsync(string name, string sql, CancellationToken ct)
    {
        var clock = Stopwatch.StartNew();
        var rows = await ScalarAsync<long>(sql, ct);
        return new Invariant(name, rows == 0, $"{rows} rows (whole database, {clock.Elapsed.TotalSeconds:0.0} s)");
    }

    /// <summary>
    /// Each 2xx operation has exactly the movements its answer named, each refused one none, every
    /// movement of the run's keys belongs to an operation the tills made, and no key wrote twice
    /// (one batch per key: a retry that doubled a sale would show a second batch).
    /// </summary>
    private async Task<List<Invariant>> LedgerMatchesLogAsync(CancellationToken ct)
    {
        var ledger = new Dictionary<string, List<(long Id, Guid Batch)>>(StringComparer.Ordinal);
        await using (var command = database.CreateCommand(
            "SELECT idempotency_key, id, batch_id FROM bazaar.stock_movements WHERE store_id = ANY($1) AND idempotency_key LIKE $2"))
        {
            command.Parameters.Add(new NpgsqlParameter { Value = Stores });
            command.Parameters.Add(new NpgsqlParameter { Value = keyPrefix + "%" });
            await using var reader = await command.ExecuteReaderAsync(ct);
            while (await reader.ReadAsync(ct))
            {
                var key = reader.GetString(0);
                if (!ledger.TryGetValue(key, out var movements))
                {
                    ledger[key] = movements = [];
                }

                movements.Add((reader.GetInt64(1), reader.GetGuid(2)));
            }
        }

        var byKey = operations.ToDictionary(o => o.Key, StringComparer.Ordinal);
        var wrongSucceeded = new List<string>();
        var wrongRefused = new List<string>();
        var succeeded = 0;
        var refused = 0;
        var movementsOfSucceeded = 0;
        foreach (var operation in operations)
        {
            var written = ledger.TryGetValue(operation.Key, out var m) ? m.Select(x => x.Id).Order().ToList() : [];
            if (operation.Succeeded)
            {
                succeeded++;
                movementsOfSucceeded += written.Count;
                var expected = operation.Kind switch { OperationKinds.Sale => 1, OperationKinds.Transfer => 2, _ => operation.Status == 201 ? 1 : 0 };
                if (!written.SequenceEqual(operation.MovementIds.Order()) || written.Count != expected)
                {
                    wrongSucceeded.Add($"{operation.Key} answered {operation.Status} with [{string.Join(",", operation.MovementIds)}], ledger [{string.Join(",", written)}]");
                }
            }
            else if (operation.Refused)
            {
                refused++;
                if (written.Count != 0)
                {
                    wrongRefused.Add($"{operation.Key} refused {operation.Status} {operation.Problem}, ledger [{string.Join(",", written)}]");
                }
            }
        }

        var strangers = ledger.Keys.Where(k => !byKey.ContainsKey(k)).ToList();
        var doubled = ledger.Where(kv => kv.Value.Select(x => x.Batch).Distinct().Count() > 1).Select(kv => kv.Key).ToList();
        var retriedSucceeded = operations.Count(o => o.Succeeded && o.Attempts > 1);
        return
        [
            new Invariant("every 2xx operation has exactly the movements its answer named", wrongSucceeded.Count == 0 && strangers.Count == 0,
                $"{succeeded:N0} operations answered 2xx, {movementsOfSucceeded:N0} movements in the ledger under their keys; {wrongSucceeded.Count} differ"
                + (wrongSucceeded.Count > 0 ? $", e.g. {wrongSucceeded[0]}" : "")
                + $"; {strangers.Count} keys in the ledger no till sent" + (strangers.Count > 0 ? $", e.g. {strangers[0]}" : "")),
            new Invariant("every refused (4xx) operation wrote nothing", wrongRefused.Count == 0,
                $"{refused:N0} refused; {wrongRefused.Count} with movements" + (wrongRefused.Count > 0 ? $", e.g. {wrongRefused[0]}" : "")),
            new Invariant("no retried request doubled a movement (one movement set per key)", doubled.Count == 0,
                $"{ledger.Count:N0} keys in the ledger, {doubled.Count} with more than one batch" + (doubled.Count > 0 ? $", e.g. {doubled[0]}" : "")
                + $"; {retriedSucceeded:N0} of the 2xx operations were retried at least once"),
        ];
    }

    /// <summary>Each shelf's level is what it was stocked with plus every movement the tills were told of: nothing written that no answer announced.</summary>
    private async Task<Invariant> LevelsMatchAnswersAsync(CancellationToken ct)
    {
        var expected = new Dictionary<(Guid, Guid), decimal>(data.Stocked);
        foreach (var delta in operations.Where(o => o.Succeeded).SelectMany(o => o.Deltas))
        {
            expected[(delta.StoreId, delta.ProductId)] = expected.GetValueOrDefault((delta.StoreId, delta.ProductId)) + delta.Delta;
        }

        var differ = new List<string>();
        var shelves = 0;
        await using (var command = database.CreateCommand("SELECT store_id, product_id, on_hand FROM bazaar.stock_levels WHERE store_id = ANY($1)"))
        {
            command.Parameters.Add(new NpgsqlParameter { Value = Stores });
            await using var reader = await command.ExecuteReaderAsync(ct);
            while (await reader.ReadAsync(ct))
            {
                shelves++;
                var shelf = (reader.GetGuid(0), reader.GetGuid(1));
                var onHand = reader.GetDecimal(2);
                if (expected.GetValueOrDefault(shelf) != onHand)
                {
                    differ.Add($"{shelf}: level {onHand}, answers say {expected.GetValueOrDefault(shelf)}");
                }
            }
        }

        return new Invariant("every level equals its stocking plus the movements the answers announced", differ.Count == 0 && shelves == expected.Count,
            $"{shelves:N0} shelves, {differ.Count} differ" + (differ.Count > 0 ? $", e.g. {differ[0]}" : ""));
    }

    /// <summary>
    /// Every movement of the run's stores has one <c>stock.changed</c> event, published, and applied
    /// by the alerts consumer (its inbox row is written in the same transaction as its effect, and
    /// its key makes a second application impossible).
    /// </summary>
    private async Task<Invariant> EventsAsync(CancellationToken ct)
    {
        await using var command = database.CreateCommand("""
            WITH m AS (SELECT id FROM bazaar.stock_movements WHERE store_id = ANY($1)),
                 e AS (SELECT ev.id, (ev.payload ->> 'movementId')::bigint AS movement_id, ev.published_at
                       FROM bazaar.inventory_events ev WHERE ev.type = 'stock.changed' AND ev.store_id = ANY($1))
            SELECT (SELECT count(*) FROM m),
                   (SELECT count(*) FROM e),
                   (SELECT count(*) FROM m WHERE NOT EXISTS (SELECT 1 FROM e WHERE e.movement_id = m.id)),
                   (SELECT count(*) FROM (SELECT movement_id FROM e GROUP BY movement_id HAVING count(*) > 1) d),
                   (SELECT count(*) FROM e WHERE published_at IS NULL),
                   (SELECT count(*) FROM e WHERE NOT EXISTS (SELECT 1 FROM bazaar.processed_events p WHERE p.consumer = 'alerts' AND p.event_id = e.id)),
                   (SELECT count(*) FROM bazaar.processed_events p JOIN e ON e.id = p.event_id WHERE p.consumer = 'alerts')
            """);
        command.Parameters.Add(new NpgsqlParameter { Value = Stores });
        await using var reader = await command.ExecuteReaderAsync(ct);
        await reader.ReadAsync(ct);
        var (movements, events, withoutEvent, twice, unpublished, unconsumed, consumed) =
            (reader.GetInt64(0), reader.GetInt64(1), reader.GetInt64(2), reader.GetInt64(3), reader.GetInt64(4), reader.GetInt64(5), reader.GetInt64(6));
        return new Invariant("every movement's stock.changed event was published and consumed by the alerts consumer exactly once",
            withoutEvent == 0 && twice == 0 && unpublished == 0 && unconsumed == 0 && consumed == events && events == movements,
            $"{movements:N0} movements, {events:N0} events ({withoutEvent} movements without one, {twice} with two or more); " +
            $"{unpublished} unpublished; {consumed:N0} applied by the alerts consumer, {unconsumed} not");
    }

    /// <summary>
    /// Each shelf's active alert is what <c>apply_stock_alert</c> gives for its final level: out of
    /// stock at 0; low at or below the reorder point; above it, low or none within the hysteresis
    /// band (point + max(1, ⌈point/5⌉)), none beyond.
    /// </summary>
    private async Task<Invariant> AlertsAsync(CancellationToken ct)
    {
        await using var command = database.CreateCommand("""
            SELECT l.on_hand, coalesce(t.reorder_point, p.reorder_point), a.kind
            FROM bazaar.stock_levels l
            JOIN bazaar.products p ON p.id = l.product_id
            LEFT JOIN bazaar.stock_thresholds t ON t.store_id = l.store_id AND t.product_id = l.product_id
            LEFT JOIN bazaar.inventory_alerts a ON a.store_id = l.store_id AND a.product_id = l.product_id AND a.status <> 'resolved'
            WHERE l.store_id = ANY($1)
            """);
        command.Parameters.Add(new NpgsqlParameter { Value = Stores });
        await using var reader = await command.ExecuteReaderAsync(ct);
        var wrong = new List<string>();
        var open = new Dictionary<string, int>();
        var shelves = 0;
        while (await reader.ReadAsync(ct))
        {
            shelves++;
            var onHand = reader.GetDecimal(0);
            var point = reader.IsDBNull(1) ? 0m : reader.GetDecimal(1);
            var kind = reader.IsDBNull(2) ? null : reader.GetString(2);
            open[kind ?? "none"] = open.GetValueOrDefault(kind ?? "none") + 1;
            var band = Math.Max(1, Math.Ceiling(point / 5));
            var right = onHand <= 0 ? kind == "out_of_stock"
                : onHand <= point ? kind == "low_stock"
                : onHand <= point + band ? kind is null or "low_stock"
                : kind is null;
            if (!right)
            {
                wrong.Add($"on hand {onHand}, point {point}, alert {kind ?? "none"}");
            }
        }

        return new Invariant("alerts agree with the final levels", wrong.Count == 0,
            $"{shelves:N0} shelves: {string.Join(", ", open.OrderBy(kv => kv.Key).Select(kv => $"{kv.Value:N0} {kv.Key}"))}; {wrong.Count} wrong" + (wrong.Count > 0 ? $", e.g. {wrong[0]}" : ""));
    }

    private async Task<Invariant> DeadLettersAsync(DateTimeOffset runStart, IReadOnlyCollection<string> poison, CancellationToken ct)
    {
        var ids = new List<string?>();
        await using (var command = database.CreateCommand("SELECT message_id FROM bazaar.dead_letters WHERE dead_lettered_at >= $1"))
        {
            command.Parameters.Add(new NpgsqlParameter { Value = runStart });
            await using var reader = await command.ExecuteReaderAsync(ct);
            while (await reader.ReadAsync(ct))
            {
                ids.Add(reader.IsDBNull(0) ? null : reader.GetString(0));
            }
        }

        var others = ids.Where(id => id is null || !poison.Contains(id)).ToList();
        var missing = poison.Where(p => !ids.Contains(p)).ToList();
        return new Invariant("the dead letters hold only the deliberate poison (and all of it)", others.Count == 0 && missing.Count == 0,
            $"{ids.Count} dead-lettered during the run; {poison.Count} poison messages published, {missing.Count} of them missing; {others.Count} others"
            + (others.Count > 0 ? $", e.g. {others[0] ?? "(no message id)"}" : ""));
    }

    private async Task<T> ScalarAsync<T>(string sql, CancellationToken ct)
    {
        await using var command = database.CreateCommand(sql);
        return (T)(await command.ExecuteScalarAsync(ct))!;
    }

    private async Task<(T1, T2)> PairAsync<T1, T2>(string sql, CancellationToken ct, object parameter)
    {
        await using var command = database.CreateCommand(sql);
        command.Parameters.Add(new NpgsqlParameter { Value = parameter });
        await using var reader = await command.ExecuteReaderAsync(ct);
        await reader.ReadAsync(ct);
        return (reader.GetFieldValue<T1>(0), reader.GetFieldValue<T2>(1));
    }
}
