using System.Text.Json;
using BazaarCstd.Api.Infrastructure;
using BazaarCstd.Api.Infrastructure.ReadCache;
using BazaarCstd.Contracts.Stock;
using BazaarCstd.Data.Ledger;
using Npgsql;
using NpgsqlTypes;

namespace BazaarCstd.Api.Stock;

/// <summary>
/// The only writer of stock. Every document (movement, batch, transfer, count) is one call of
/// <c>bazaar.record_movements_scoped</c> (the caller's stores only), behind the request's audit
/// context (<see cref="WriteSession.CreateCommand"/>): one round trip, atomic, its commit position
/// included (<see cref="WriteCommand.ReadRowsAsync"/>). Database refusals come
/// back as SQLSTATE <c>BZ0xx</c> and become <see cref="DomainException"/>s here.
/// </summary>
public sealed class StockLedger(WriteSession session, StoreScope scope, ReadCacheInvalidation invalidation)
{
    public const string Sql = """
        SELECT line_no, movement_id AS id, store_id, product_id, sku, kind, quantity, delta, reason, reference, note,
               occurred_at, recorded_at, device_id, $2 AS batch_id, on_hand, version
        FROM bazaar.record_movements_scoped($1, $2, $3, $4)
        """;

    public sealed record RecordedLine(int LineNo, Movement? Movement, StockLevel Level);

    public async Task<(Guid BatchId, IReadOnlyList<RecordedLine> Lines)> RecordAsync(
        IReadOnlyList<LedgerLine> lines, string? idempotencyKey, CancellationToken cancellationToken)
    {
        var batchId = Guid.CreateVersion7();
        await using var command = session.CreateCommand(Sql);
        command.Parameters.Add(new NpgsqlParameter { Value = LedgerLine.ToJson(lines), NpgsqlDbType = NpgsqlDbType.Jsonb });
        command.Parameters.Add(new NpgsqlParameter { Value = batchId, NpgsqlDbType = NpgsqlDbType.Uuid });
        command.Parameters.Add(NullableParameter.Text(idempotencyKey));
        command.Parameters.Add(scope.Parameter());

        try
        {
            var result = await command.ReadRowsAsync(reader =>
            {
                var level = new StockLevel(
                    reader.Column<Guid>("store_id"), reader.Column<Guid>("product_id"), reader.Column<decimal>("on_hand"), reader.Column<long>("version"));
                var movement = reader.Column<long?>("id") is null ? null : MovementRow.Read(reader);
                return new RecordedLine(reader.Column<int>("line_no"), movement, level);
            }, cancellationToken);

            result.Sort((a, b) => a.LineNo.CompareTo(b.LineNo));
            invalidation.AfterStockChange(result.Select(line => line.Level.StoreId).Distinct());
            return (batchId, result);
        }
        catch (PostgresException ex) when (ex.SqlState.StartsWith("BZ", StringComparison.Ordinal))
        {
            throw Translate(ex);
        }
    }

    private static DomainException Translate(PostgresException ex)
    {
        var info = JsonSerializer.Deserialize<Dictionary<string, JsonElement>>(ex.MessageText) ?? [];
        var extensions = info.ToDictionary(kv => kv.Key, kv => (object?)kv.Value);
        string Text(string key) => info.TryGetValue(key, out var v) ? v.ToString() : "";

        // PostgreSQL's text for a timestamptz (session time zone, microseconds) as the API writes instants: UTC, ISO 8601.
        string Instant(string key) => info.TryGetValue(key, out var v) && v.ValueKind == JsonValueKind.String && v.TryGetDateTimeOffset(out var at)
            ? at.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss.FFFFFF'Z'", System.Globalization.CultureInfo.InvariantCulture)
            : Text(key);

        Dictionary<string, object?> With(Dictionary<string, object?> members, params string[] instants)
        {
            foreach (var key in instants)
            {
                members[key] = Instant(key);
            }

            return members;
        }

        return ex.SqlState switch
        {
            "BZ001" => new DomainException(StatusCodes.Status409Conflict, ProblemTypes.InsufficientStock, "Insufficient stock.",
                $"Line {Text("line")}: {Text("requested")} of {Text("sku")} requested, {Text("available")} available.", extensions),
            "BZ002" => new DomainException(StatusCodes.Status404NotFound, ProblemTypes.NotFound, "Unknown product.",
                $"Line {Text("line")}: no product with that id or SKU.", extensions),
            "BZ003" => new DomainException(StatusCodes.Status404NotFound, ProblemTypes.NotFound, "Unknown store.",
                $"Line {Text("line")}: no store {Text("storeId")}.", extensions),
            "BZ004" => new DomainException(StatusCodes.Status409Conflict, ProblemTypes.Archived, "Product is archived.",
                $"Line {Text("line")}: {Text("sku")} is archived and takes no new movements.", extensions),
            "BZ005" => new DomainException(StatusCodes.Status400BadRequest, ProblemTypes.Validation, "Quantity must be a whole number.",
                $"Line {Text("line")}: the product is counted in '{Text("unit")}', so {Text("quantity")} is not allowed.", extensions),
            "BZ006" => new DomainException(StatusCodes.Status409Conflict, ProblemTypes.CountMismatch, "On-hand changed since it was read.",
                $"Line {Text("line")}: expected on-hand {Text("expectedOnHand")}, but it is {Text("onHand")}.", extensions),
            "BZ007" => new DomainException(StatusCodes.Status409Conflict, ProblemTypes.Archived, "Store is archived.",
                $"Line {Text("line")}: store {Text("storeId")} is archived.", extensions),
            "BZ020" => new DomainException(StatusCodes.Status409Conflict, ProblemTypes.StockHistoryFrozen, "Stock history is frozen.",
                $"Line {Text("line")}: stock history is frozen up to {Instant("frozenUntil")}; occurredAt {Instant("occurredAt")} is on or before it.",
                With(extensions, "frozenUntil", "occurredAt")),
            "BZ021" => new DomainException(StatusCodes.Status422UnprocessableEntity, ProblemTypes.BackdatingLimit, "Too far in the past.",
                $"Line {Text("line")}: occurredAt {Instant("occurredAt")} is more than {Text("days")} days back, the most your role may backdate a movement (earliest {Instant("earliest")}).",
                With(extensions, "occurredAt", "earliest")),
            "BZ022" => new DomainException(StatusCodes.Status409Conflict, ProblemTypes.CountBeforeLastCount, "A later count exists.",
                $"Line {Text("line")}: the shelf was last counted at {Instant("lastCountAt")}; a count cannot be dated before it ({Instant("occurredAt")}).",
                With(extensions, "lastCountAt", "occurredAt")),
            _ => new DomainException(StatusCodes.Status409Conflict, ProblemTypes.Conflict, "The change was refused.", ex.MessageText),
        };
    }
}
