using System.Text.Json;
using System.Text.Json.Nodes;
using BazaarCstd.Api.Infrastructure;
using BazaarCstd.Contracts.Stock;
using Npgsql;
using NpgsqlTypes;

namespace BazaarCstd.Api.Stock;

/// <summary>
/// The only writer of stock. Every document (movement, batch, transfer, count) is one call of
/// <c>bazaar.record_movements_scoped</c> (the caller's stores only, as the caller and for this request,
/// which the audit log records): one statement, one round trip, atomic. Database refusals come
/// back as SQLSTATE <c>BZ0xx</c> and become <see cref="DomainException"/>s here.
/// </summary>
public sealed class StockLedger(WriteSession session, StoreScope scope)
{
    /// <summary>$1 actor and $2 request id come from <see cref="WriteSession.CreateCommandWithContextArguments"/>.</summary>
    public const string Sql =
        "SELECT line_no, movement_id, store_id, product_id, sku, kind, quantity, delta, reason, reference, note, " +
        "occurred_at, recorded_at, device_id, on_hand, version FROM bazaar.record_movements_scoped($1, $2, $3, $4, $5, $6)";

    public sealed record LedgerLine(int LineNo, Movement? Movement, StockLevel Level);

    public async Task<(Guid BatchId, IReadOnlyList<LedgerLine> Lines)> RecordAsync(
        JsonArray lines, string? idempotencyKey, CancellationToken cancellationToken)
    {
        var batchId = Guid.CreateVersion7();
        await using var command = session.CreateCommandWithContextArguments(Sql);
        command.Parameters.Add(new NpgsqlParameter { Value = lines.ToJsonString(), NpgsqlDbType = NpgsqlDbType.Jsonb });
        command.Parameters.Add(new NpgsqlParameter { Value = batchId });
        command.Parameters.Add(NullableParameter.Text(idempotencyKey));
        command.Parameters.Add(scope.Parameter());

        try
        {
            var result = new List<LedgerLine>();
            await using var reader = await command.ExecuteReaderAsync(cancellationToken);
            while (await reader.ReadAsync(cancellationToken))
            {
                var storeId = reader.GetGuid(2);
                var productId = reader.GetGuid(3);
                var level = new StockLevel(storeId, productId, reader.GetDecimal(14), reader.GetInt64(15));
                Movement? movement = reader.IsDBNull(1)
                    ? null
                    : new Movement(
                        reader.GetInt64(1), storeId, productId, reader.GetString(4), reader.GetString(5),
                        reader.GetDecimal(6), reader.GetDecimal(7),
                        reader.IsDBNull(8) ? null : reader.GetString(8),
                        reader.IsDBNull(9) ? null : reader.GetString(9),
                        reader.IsDBNull(10) ? null : reader.GetString(10),
                        reader.GetFieldValue<DateTimeOffset>(11), reader.GetFieldValue<DateTimeOffset>(12),
                        reader.IsDBNull(13) ? null : reader.GetString(13),
                        batchId);
                result.Add(new LedgerLine(reader.GetInt32(0), movement, level));
            }

            result.Sort((a, b) => a.LineNo.CompareTo(b.LineNo));
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
            _ => new DomainException(StatusCodes.Status409Conflict, ProblemTypes.Conflict, "The change was refused.", ex.MessageText),
        };
    }
}
