using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using BazaarCstd.Api.Auth;
using BazaarCstd.Api.Infrastructure;
using BazaarCstd.Api.Infrastructure.Idempotency;
using BazaarCstd.Contracts.Operations;
using Microsoft.AspNetCore.Http.HttpResults;
using HttpJsonOptions = Microsoft.AspNetCore.Http.Json.JsonOptions;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Extensions.Options;
using Npgsql;
using NpgsqlTypes;

namespace BazaarCstd.Api.Operations;

/// <summary>
/// <c>POST /api/imports</c>: a CSV file becomes an operation the Worker processes.
/// <list type="bullet">
/// <item><b>Streamed.</b> The header is checked first (400 naming the bad column, nothing stored);
/// then each record is COPYed into <c>bazaar.import_rows</c> as it is read, in one transaction with
/// the operation row and the outbox event that queues it. Only the current record is in memory.</item>
/// <item><b>No lost work.</b> The <c>operation.queued</c> event commits with the upload (the outbox):
/// the relay publishes it to <c>bazaar.operations</c> however long RabbitMQ is away.</item>
/// <item><b>Idempotency-Key</b> is handled here, not by the generic filter (the endpoint is exempt
/// from it): that filter hashes the body before the handler runs, which for 20 MB means spooling it.
/// Here the request hash (method, path, query, body — the filter's recipe) is computed while the body
/// streams into the COPY, and the key is claimed in <c>bazaar.idempotency_keys</c> at the end of the
/// same transaction, with the stored 202 answer. Same key and body: the first answer replayed
/// (<c>Idempotent-Replayed: true</c>), no second import; other body: 422. A key already stored is
/// found before anything is staged, and the body is only hashed. Only the small 202 answer is
/// stored, never the file.</item>
/// <item><b>Its own pool.</b> An upload holds a connection and a transaction for as long as the client
/// takes to send the file, so it uses the uploads' pool (<see cref="DatabaseRegistration.Uploads"/>),
/// never the small write pool sales take turns on.</item>
/// </list>
/// </summary>
public static class ImportUpload
{
    private const string InsertOperationSql = """
        INSERT INTO bazaar.operations (id, kind, status, atomic, uploaded_by, stores, request_id)
        VALUES ($1, $2, 'queued', $3, $4, $5, $6)
        """;

    private const string CopySql = "COPY bazaar.import_rows (operation_id, line_no, fields) FROM STDIN (FORMAT BINARY)";

    /// <summary>$1 id, $2 rows, $3 last line. A file without rows is done at once and queues nothing.</summary>
    private const string CloseUploadSql = """
        UPDATE bazaar.operations
           SET rows_total = $2, last_line = $3,
               status = CASE WHEN $2 = 0 THEN 'succeeded' ELSE 'queued' END,
               started_at = CASE WHEN $2 = 0 THEN now() END,
               finished_at = CASE WHEN $2 = 0 THEN now() END
         WHERE id = $1
        RETURNING id, kind, status, atomic, rows_total, rows_done, rows_failed, created_at, started_at, finished_at
        """;

    private const string QueueSql = """
        INSERT INTO bazaar.inventory_events (type, payload, trace_parent)
        SELECT $2, jsonb_build_object('operationId', $1::uuid), $3 WHERE $4
        """;

    public static async Task<Results<Accepted<Operation>, ValidationProblem, ProblemHttpResult, StoredResponse>> UploadAsync(
        HttpContext http, string? kind, bool? atomic, [FromKeyedServices(DatabaseRegistration.Uploads)] NpgsqlDataSource database, IOptions<HttpJsonOptions> json, CancellationToken ct)
    {
        var v = new Validation().OneOf("kind", kind, OperationKinds.All, required: true);
        if (atomic == true && kind == OperationKinds.Products)
        {
            v.Add("atomic", "applies to movements files only.");
        }

        if (!v.IsValid)
        {
            return v.ToProblem();
        }

        if (kind == OperationKinds.Products && !http.User.IsInRole(Roles.Admin))
        {
            return Problem(StatusCodes.Status403Forbidden, ProblemTypes.Forbidden, "Not allowed.", "Importing products is for administrators.");
        }

        if (!IsCsv(http.Request.ContentType))
        {
            return Problem(StatusCodes.Status415UnsupportedMediaType, ProblemTypes.BadRequest, "Unsupported media type.",
                $"Send the file as {ImportFiles.MediaType} (UTF-8), its first line the header.");
        }

        var key = IdempotencyKey(http, out var badKey);
        if (badKey)
        {
            return Problem(StatusCodes.Status400BadRequest, ProblemTypes.BadRequest, "Invalid Idempotency-Key.",
                $"Send one key of 1 to {IdempotencyFilter.MaxKeyLength} visible ASCII characters, e.g. a UUID.");
        }

        using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        hash.AppendData(Encoding.UTF8.GetBytes($"{http.Request.Method} {http.Request.Path}{http.Request.QueryString}\n"));
        var body = new HashingReadStream(http.Request.Body, hash);

        var scope = IdempotencyFilter.Scope(http.User);
        if (key is not null && await FindAsync(database, new IdempotencyKeys.Key(scope, key, ""), ct) is { } earlier)
        {
            // Already answered: only the hash of this body is needed to tell a replay from a misuse.
            await body.CopyToAsync(Stream.Null, ct);
            return Replay(earlier, Convert.ToHexString(hash.GetHashAndReset()));
        }

        using var text = new StreamReader(body, new UTF8Encoding(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: true), detectEncodingFromByteOrderMarks: true);
        var csv = new CsvRecordReader(text);
        string[]? header;
        try
        {
            header = await csv.ReadAsync(ct);
        }
        catch (Exception ex) when (ex is FormatException or DecoderFallbackException)
        {
            return FileProblem(ex);
        }

        if (HeaderProblem(kind!, header) is { } headerProblem)
        {
            return headerProblem;
        }

        var id = Guid.CreateVersion7();
        await using var connection = await database.OpenConnectionAsync(ct);
        await using var transaction = await connection.BeginTransactionAsync(ct);
        await using (var insert = new NpgsqlCommand(InsertOperationSql, connection, transaction))
        {
            var stores = http.User.StoreScope().Stores;
            insert.Parameters.Add(new NpgsqlParameter { Value = id });
            insert.Parameters.Add(new NpgsqlParameter { Value = kind });
            insert.Parameters.Add(new NpgsqlParameter { Value = atomic == true });
            insert.Parameters.Add(new NpgsqlParameter { Value = http.User.Id()!.Value });
            insert.Parameters.Add(new NpgsqlParameter { Value = stores is null ? DBNull.Value : stores.ToArray(), NpgsqlDbType = NpgsqlDbType.Array | NpgsqlDbType.Uuid });
            insert.Parameters.Add(NullableParameter.Text(RequestIdMiddleware.Of(http)));
            await insert.ExecuteNonQueryAsync(ct);
        }

        var rows = 0;
        await using (var copy = await connection.BeginBinaryImportAsync(CopySql, ct))
        {
            try
            {
                while (await csv.ReadAsync(ct) is { } record)
                {
                    if (record.Length == 0)
                    {
                        continue; // a blank line: not a row, but it keeps its place in the line numbers
                    }

                    if (++rows > ImportFiles.MaxRows)
                    {
                        return Problem(StatusCodes.Status413PayloadTooLarge, ProblemTypes.PayloadTooLarge, "The file has too many rows.",
                            $"An import takes at most {ImportFiles.MaxRows:N0} rows; split the file. Nothing was stored.");
                    }

                    await copy.StartRowAsync(ct);
                    await copy.WriteAsync(id, NpgsqlDbType.Uuid, ct);
                    await copy.WriteAsync(csv.Line, NpgsqlDbType.Integer, ct);
                    await copy.WriteAsync(record, NpgsqlDbType.Array | NpgsqlDbType.Text, ct);
                }
            }
            catch (Exception ex) when (ex is FormatException or DecoderFallbackException)
            {
                return FileProblem(ex);
            }

            await copy.CompleteAsync(ct);
        }

        if (atomic == true && rows > ImportFiles.MaxAtomicRows)
        {
            return new Validation().Add("atomic", $"an atomic file has at most {ImportFiles.MaxAtomicRows:N0} rows; this one has {rows:N0}.").ToProblem();
        }

        var requestKey = key is null ? null : new IdempotencyKeys.Key(scope, key, Convert.ToHexString(hash.GetHashAndReset()));
        var location = $"/api/operations/{id}";
        await using var close = new NpgsqlBatch(connection, transaction);
        if (requestKey is not null)
        {
            close.BatchCommands.Add(IdempotencyKeys.Claim(requestKey));
        }

        close.BatchCommands.Add(Command(CloseUploadSql, id, rows, csv.Line));
        close.BatchCommands.Add(Command(QueueSql, id, OperationMessaging.QueuedEvent, NullableParameter.Text(WriteSession.TraceParent), rows > 0));
        Operation operation;
        try
        {
            await using var reader = await close.ExecuteReaderAsync(ct);
            await reader.ReadAsync(ct);
            operation = OperationEndpoints.ReadOperation(reader);
        }
        catch (PostgresException conflict) when (requestKey is not null && IdempotencyKeys.IsClaimConflict(conflict))
        {
            // A request with this key committed while this one was staging: this one writes nothing.
            await transaction.RollbackAsync(CancellationToken.None);
            return await FindAsync(database, requestKey, CancellationToken.None) is { } stored
                ? Replay(stored, requestKey.RequestHash)
                : Problem(StatusCodes.Status409Conflict, ProblemTypes.IdempotencyInProgress, "Request in progress.",
                    "Another request with this Idempotency-Key changed state while this one ran; retry to get its response.");
        }

        if (requestKey is not null)
        {
            var answer = new StoredResponse(StatusCodes.Status202Accepted, JsonSerializer.Serialize(operation, json.Value.SerializerOptions), location);
            await using var complete = new NpgsqlBatch(connection, transaction) { BatchCommands = { IdempotencyKeys.Complete(requestKey, answer) } };
            await complete.ExecuteNonQueryAsync(ct);
        }

        await transaction.CommitAsync(CancellationToken.None);
        return TypedResults.Accepted(location, operation);
    }

    /// <summary>The header must be the kind's columns, in order (case-insensitive, a UTF-8 BOM is fine).</summary>
    private static ValidationProblem? HeaderProblem(string kind, string[]? header)
    {
        var expected = ImportFiles.Columns(kind);
        string? problem = null;
        if (header is null || header.Length == 0)
        {
            problem = $"the file is empty; its first line must be the header {string.Join(',', expected)}.";
        }
        else
        {
            for (var i = 0; i < Math.Max(expected.Count, header.Length) && problem is null; i++)
            {
                var found = i < header.Length ? header[i].Trim() : null;
                problem = i >= expected.Count ? $"column {i + 1} '{found}' is not a {kind} column; the header is {string.Join(',', expected)}."
                    : found is null ? $"column {i + 1} '{expected[i]}' is missing; the header is {string.Join(',', expected)}."
                    : !string.Equals(found, expected[i], StringComparison.OrdinalIgnoreCase) ? $"column {i + 1} is '{found}', expected '{expected[i]}'; the header is {string.Join(',', expected)}."
                    : null;
            }
        }

        return problem is null ? null : new Validation().Add("header", problem).ToProblem();
    }

    private static ValidationProblem FileProblem(Exception ex) => new Validation()
        .Add("file", ex is FormatException ? ex.Message + " Nothing was stored." : "is not UTF-8 text. Nothing was stored.").ToProblem();

    private static bool IsCsv(string? contentType) =>
        contentType is not null && contentType.Split(';')[0].Trim().Equals(ImportFiles.MediaType, StringComparison.OrdinalIgnoreCase);

    private static string? IdempotencyKey(HttpContext http, out bool invalid)
    {
        invalid = false;
        if (!http.Request.Headers.TryGetValue(IdempotencyFilter.HeaderName, out var values))
        {
            return null;
        }

        var value = values.ToString();
        invalid = !(values.Count == 1 && value.Length is > 0 and <= IdempotencyFilter.MaxKeyLength && value.All(c => c is > ' ' and <= '~'));
        return invalid ? null : value;
    }

    private static async Task<IdempotencyKeys.Stored?> FindAsync(NpgsqlDataSource database, IdempotencyKeys.Key key, CancellationToken ct)
    {
        await using var connection = await database.OpenConnectionAsync(ct);
        await using var find = new NpgsqlBatch(connection) { BatchCommands = { IdempotencyKeys.Find(key) } };
        await using var reader = await find.ExecuteReaderAsync(ct);
        return await IdempotencyKeys.ReadStoredAsync(reader);
    }

    private static Results<Accepted<Operation>, ValidationProblem, ProblemHttpResult, StoredResponse> Replay(IdempotencyKeys.Stored stored, string requestHash) =>
        stored.RequestHash == requestHash
            ? stored.Response
            : Problem(StatusCodes.Status422UnprocessableEntity, ProblemTypes.IdempotencyKeyReuse, "Idempotency-Key already used.",
                "This key was used for a different request; use a new key for a new request.");

    private static NpgsqlBatchCommand Command(string sql, params object[] values)
    {
        var command = new NpgsqlBatchCommand(sql);
        foreach (var value in values)
        {
            command.Parameters.Add(value as NpgsqlParameter ?? new NpgsqlParameter { Value = value });
        }

        return command;
    }

    private static ProblemHttpResult Problem(int status, string type, string title, string detail) =>
        TypedResults.Problem(new ProblemDetails { Status = status, Type = type, Title = title, Detail = detail });
}
