using System.Diagnostics;
using System.Text.Json.Nodes;
using BazaarCstd.Contracts.Operations;
using Npgsql;
using NpgsqlTypes;

namespace BazaarCstd.Worker.Operations;

/// <summary>
/// Runs one import to its end, a chunk of <see cref="ChunkSize"/> lines per transaction (an atomic
/// file in one), from wherever its progress mark stands: a Worker killed mid-file, or a message
/// delivered twice, just continues. Each chunk is one round trip: the uploader's audit context and
/// <c>bazaar.apply_movement_import_chunk</c> / <c>apply_product_import_chunk</c>, which apply the
/// chunk only if the mark still stands at its first line and move the mark in the same transaction —
/// so no line is ever written twice, whoever else works on the same operation. The rows are checked
/// here (<see cref="ImportRowParser"/>), judged by the ledger there.
/// </summary>
public sealed partial class ImportRunner(NpgsqlDataSource database, TimeProvider clock, ILogger<ImportRunner> logger)
{
    public const int ChunkSize = 500;

    private const string StateSql = """
        SELECT kind, status, atomic, uploaded_by, request_id, next_line, last_line
        FROM bazaar.operations WHERE id = $1
        """;

    private const string RowsSql = """
        SELECT line_no, fields FROM bazaar.import_rows
        WHERE operation_id = $1 AND line_no >= $2
        ORDER BY line_no
        LIMIT $3
        """;

    /// <summary>Runs the operation until it is finished; false when there is no such operation.</summary>
    public async Task<bool> RunAsync(Guid operationId, CancellationToken ct)
    {
        var started = Stopwatch.StartNew();
        var chunks = 0;
        while (true)
        {
            var state = await ReadStateAsync(operationId, ct);
            if (state is null)
            {
                return false;
            }

            if (OperationStatuses.IsFinal(state.Status))
            {
                if (chunks > 0)
                {
                    LogFinished(operationId, state.Kind, state.Status, chunks, started.Elapsed.TotalSeconds);
                }

                return true;
            }

            var rows = await ReadRowsAsync(operationId, state.NextLine, state.Atomic ? ImportFiles.MaxAtomicRows : ChunkSize, ct);
            var through = rows.Count > 0 ? rows[^1].Line : state.LastLine;
            var lines = new JsonArray();
            var errors = new JsonArray();
            var now = clock.GetUtcNow();
            foreach (var (line, fields) in rows)
            {
                var (parsed, reason) = state.Kind == OperationKinds.Products
                    ? ImportRowParser.Product(line, fields)
                    : ImportRowParser.Movement(line, fields, now);
                if (parsed is not null)
                {
                    lines.Add(parsed);
                }
                else
                {
                    errors.Add(new JsonObject { ["line"] = line, ["reason"] = reason });
                }
            }

            try
            {
                var outcome = await ApplyChunkAsync(operationId, state, through, lines, errors, ct);
                chunks += outcome == "applied" ? 1 : 0;
            }
            catch (PostgresException ex) when (ex.SqlState is PostgresErrorCodes.DeadlockDetected or PostgresErrorCodes.SerializationFailure)
            {
                // Nothing of the chunk was written; take it again (the mark says where).
                LogChunkRetried(ex, operationId, state.NextLine);
            }
        }
    }

    private async Task<string> ApplyChunkAsync(Guid operationId, OperationState state, int through, JsonArray lines, JsonArray errors, CancellationToken ct)
    {
        var function = state.Kind == OperationKinds.Products ? "bazaar.apply_product_import_chunk" : "bazaar.apply_movement_import_chunk";
        await using var batch = database.CreateBatch();
        // No trace context (NULL) for the lines' events: each is its own trace at the relay, under the
        // sampler's budget (docs/decisions.md, "A clean start"), not 50,000 spans in the upload's trace.
        var context = new NpgsqlBatchCommand("CALL bazaar.use_audit_context($1, $2, NULL)");
        context.Parameters.Add(new NpgsqlParameter { Value = state.UploadedBy });
        context.Parameters.Add(new NpgsqlParameter { Value = (object?)state.RequestId ?? DBNull.Value, NpgsqlDbType = NpgsqlDbType.Text });
        batch.BatchCommands.Add(context);
        var apply = new NpgsqlBatchCommand($"SELECT {function}($1, $2, $3, $4, $5)");
        apply.Parameters.Add(new NpgsqlParameter { Value = operationId });
        apply.Parameters.Add(new NpgsqlParameter { Value = state.NextLine });
        apply.Parameters.Add(new NpgsqlParameter { Value = through });
        apply.Parameters.Add(new NpgsqlParameter { Value = lines.ToJsonString(), NpgsqlDbType = NpgsqlDbType.Jsonb });
        apply.Parameters.Add(new NpgsqlParameter { Value = errors.ToJsonString(), NpgsqlDbType = NpgsqlDbType.Jsonb });
        batch.BatchCommands.Add(apply);
        return (string)(await batch.ExecuteScalarAsync(ct))!;
    }

    private async Task<OperationState?> ReadStateAsync(Guid operationId, CancellationToken ct)
    {
        await using var command = database.CreateCommand(StateSql);
        command.Parameters.Add(new NpgsqlParameter { Value = operationId });
        await using var reader = await command.ExecuteReaderAsync(ct);
        if (!await reader.ReadAsync(ct))
        {
            return null;
        }

        return new OperationState(
            reader.GetString(reader.GetOrdinal("kind")),
            reader.GetString(reader.GetOrdinal("status")),
            reader.GetBoolean(reader.GetOrdinal("atomic")),
            reader.GetGuid(reader.GetOrdinal("uploaded_by")),
            reader.IsDBNull(reader.GetOrdinal("request_id")) ? null : reader.GetString(reader.GetOrdinal("request_id")),
            reader.GetInt32(reader.GetOrdinal("next_line")),
            reader.GetInt32(reader.GetOrdinal("last_line")));
    }

    private async Task<List<(int Line, string[] Fields)>> ReadRowsAsync(Guid operationId, int from, int limit, CancellationToken ct)
    {
        await using var command = database.CreateCommand(RowsSql);
        command.Parameters.Add(new NpgsqlParameter { Value = operationId });
        command.Parameters.Add(new NpgsqlParameter { Value = from });
        command.Parameters.Add(new NpgsqlParameter { Value = limit });
        var rows = new List<(int, string[])>(limit);
        await using var reader = await command.ExecuteReaderAsync(ct);
        while (await reader.ReadAsync(ct))
        {
            rows.Add((reader.GetInt32(0), reader.GetFieldValue<string[]>(1)));
        }

        return rows;
    }

    private sealed record OperationState(string Kind, string Status, bool Atomic, Guid UploadedBy, string? RequestId, int NextLine, int LastLine);

    [LoggerMessage(LogLevel.Information, "Operation {OperationId} ({Kind}) {Status} after {Chunks} chunks on this replica in {Seconds:0.0} s")]
    private partial void LogFinished(Guid operationId, string kind, string status, int chunks, double seconds);

    [LoggerMessage(LogLevel.Warning, "Operation {OperationId}: the chunk from line {Line} lost a deadlock or serialization race and is taken again")]
    private partial void LogChunkRetried(Exception exception, Guid operationId, int line);
}
