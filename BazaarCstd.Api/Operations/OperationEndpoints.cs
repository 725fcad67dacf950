using System.Globalization;
using BazaarCstd.Api.Auth;
using BazaarCstd.Api.Infrastructure;
using BazaarCstd.Api.Infrastructure.Idempotency;
using BazaarCstd.Contracts;
using BazaarCstd.Contracts.Operations;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.OpenApi;
using Npgsql;

namespace BazaarCstd.Api.Operations;

/// <summary>
/// CSV imports as asynchronous operations: <c>POST /api/imports</c> (see <see cref="ImportUpload"/>)
/// answers 202 with the operation; the Worker processes it; <c>GET /api/operations/{id}</c> tells how
/// far it got and <c>…/errors</c> which lines were refused and why. An operation is seen by its
/// uploader and by administrators only; to anyone else it does not exist (404).
/// </summary>
public static class OperationEndpoints
{
    private const string Columns = "id, kind, status, atomic, rows_total, rows_done, rows_failed, created_at, started_at, finished_at";

    /// <summary>$1 id, $2 the caller, $3 whether the caller is an administrator.</summary>
    private const string GetSql = $"SELECT {Columns} FROM bazaar.operations WHERE id = $1 AND (uploaded_by = $2 OR $3)";

    /// <summary>$1 the caller, $2/$3 the cursor (created_at, id), $4 limit + 1. Newest first.</summary>
    private const string ListSql = $"""
        SELECT {Columns} FROM bazaar.operations
        WHERE uploaded_by = $1 AND ($2::timestamptz IS NULL OR (created_at, id) < ($2, $3))
        ORDER BY created_at DESC, id DESC
        LIMIT $4
        """;

    /// <summary>$1 operation, $2 line lower bound (exclusive), $3 limit + 1. In line order.</summary>
    private const string ErrorsSql = """
        SELECT line_no, reason FROM bazaar.operation_errors
        WHERE operation_id = $1 AND line_no > $2
        ORDER BY line_no
        LIMIT $3
        """;

    public static IEndpointRouteBuilder MapOperations(this IEndpointRouteBuilder api)
    {
        api.MapPost("/imports", ImportUpload.UploadAsync).WithTags("Operations").RequireAuthorization(Roles.Policies.Staff)
            .WithName("StartImport")
            .WithMetadata(new IdempotencyExemptAttribute()) // handled in ImportUpload, while the body streams
            .WithBodyLimit(ImportFiles.MaxBytes)
            .Accepts<string>(ImportFiles.MediaType)
            .ProducesProblem(StatusCodes.Status403Forbidden)
            .ProducesProblem(StatusCodes.Status409Conflict)
            .ProducesProblem(StatusCodes.Status415UnsupportedMediaType)
            .ProducesProblem(StatusCodes.Status422UnprocessableEntity)
            .AddOpenApiOperationTransformer((operation, _, _) =>
            {
                operation.Parameters ??= [];
                operation.Parameters.Add(new OpenApiParameter
                {
                    Name = IdempotencyFilter.HeaderName,
                    In = ParameterLocation.Header,
                    Description = "Makes a re-upload safe: the same key with the same file replays the first answer "
                        + "(with Idempotent-Replayed: true) for 24 hours instead of importing again. 1 to 255 visible ASCII characters.",
                    Schema = new OpenApiSchema { Type = JsonSchemaType.String, MinLength = 1, MaxLength = IdempotencyFilter.MaxKeyLength },
                });
                return Task.CompletedTask;
            })
            .WithSummary("Import a CSV file (text/csv, up to 100,000 rows / 20 MB) of movements (kind=movements; atomic=true for an all-or-nothing file of up to 10,000 rows) or products (kind=products, administrators); 202 with the operation to follow.");

        var operations = api.MapGroup("/operations").WithTags("Operations").RequireAuthorization(Roles.Policies.Staff);
        operations.MapGet("/", List).WithName("ListOperations")
            .WithSummary("The caller's own operations, newest first.");
        operations.MapGet("/{id:guid}", Get).WithName("GetOperation").ProducesProblem(StatusCodes.Status404NotFound)
            .WithSummary("An operation's status and progress (its uploader and administrators).");
        operations.MapGet("/{id:guid}/errors", Errors).WithName("ListOperationErrors").ProducesProblem(StatusCodes.Status404NotFound)
            .WithSummary("The refused lines of an operation, in line order, with the reason for each.");
        return api;
    }

    internal static async Task<Results<Ok<Operation>, ProblemHttpResult>> Get(Guid id, HttpContext http, NpgsqlDataSource database, CancellationToken ct)
    {
        await using var command = VisibleCommand(database, GetSql, id, http);
        await using var reader = await command.ExecuteReaderAsync(ct);
        return await reader.ReadAsync(ct)
            ? TypedResults.Ok(ReadOperation(reader))
            : Problems.NotFound("Unknown operation.", $"No operation {id}.");
    }

    internal static async Task<Results<Ok<Page<Operation>>, ValidationProblem>> List(
        HttpContext http, NpgsqlDataSource database, string? cursor, int? limit, CancellationToken ct)
    {
        var v = new Validation();
        var after = Cursor.Decode(cursor, 2) is [var at, var last]
            && long.TryParse(at, NumberStyles.None, CultureInfo.InvariantCulture, out var ticks)
            && ticks <= DateTimeOffset.MaxValue.UtcTicks && Guid.TryParse(last, out var lastId)
                ? (At: new DateTimeOffset(ticks, TimeSpan.Zero), Id: lastId)
                : ((DateTimeOffset At, Guid Id)?)null;
        Cursor.Validate(v, cursor, after, limit);
        if (!v.IsValid)
        {
            return v.ToProblem();
        }

        var take = limit ?? Cursor.DefaultLimit;
        await using var command = database.CreateCommand(ListSql);
        command.Parameters.Add(new NpgsqlParameter { Value = http.User.Id()!.Value });
        command.Parameters.Add(NullableParameter.Timestamp(after?.At));
        command.Parameters.Add(NullableParameter.Uuid(after?.Id));
        command.Parameters.Add(new NpgsqlParameter { Value = take + 1 });
        var rows = new List<Operation>();
        await using var reader = await command.ExecuteReaderAsync(ct);
        while (await reader.ReadAsync(ct))
        {
            rows.Add(ReadOperation(reader));
        }

        return TypedResults.Ok(Cursor.ToPage(rows, take, o => Cursor.Encode(o.CreatedAt.UtcTicks.ToString(CultureInfo.InvariantCulture), o.Id.ToString())));
    }

    internal static async Task<Results<Ok<Page<OperationError>>, ProblemHttpResult, ValidationProblem>> Errors(
        Guid id, HttpContext http, NpgsqlDataSource database, string? cursor, int? limit, CancellationToken ct)
    {
        var v = new Validation();
        int? after = Cursor.Decode(cursor, 1) is [var line] && int.TryParse(line, NumberStyles.None, CultureInfo.InvariantCulture, out var lineNo) ? lineNo : null;
        Cursor.Validate(v, cursor, after, limit);
        if (!v.IsValid)
        {
            return v.ToProblem();
        }

        await using (var visible = VisibleCommand(database, "SELECT 1 FROM bazaar.operations WHERE id = $1 AND (uploaded_by = $2 OR $3)", id, http))
        {
            if (await visible.ExecuteScalarAsync(ct) is null)
            {
                return Problems.NotFound("Unknown operation.", $"No operation {id}.");
            }
        }

        var take = limit ?? Cursor.DefaultLimit;
        await using var command = database.CreateCommand(ErrorsSql);
        command.Parameters.Add(new NpgsqlParameter { Value = id });
        command.Parameters.Add(new NpgsqlParameter { Value = after ?? 0 });
        command.Parameters.Add(new NpgsqlParameter { Value = take + 1 });
        var rows = new List<OperationError>();
        await using var reader = await command.ExecuteReaderAsync(ct);
        while (await reader.ReadAsync(ct))
        {
            rows.Add(new OperationError(reader.Column<int>("line_no"), reader.Column<string>("reason")));
        }

        return TypedResults.Ok(Cursor.ToPage(rows, take, e => Cursor.Encode(e.Line.ToString(CultureInfo.InvariantCulture))));
    }

    internal static Operation ReadOperation(NpgsqlDataReader reader) => new(
        reader.Column<Guid>("id"),
        reader.Column<string>("kind"),
        reader.Column<string>("status"),
        reader.Column<bool>("atomic"),
        reader.Column<int>("rows_total"),
        reader.Column<int>("rows_done"),
        reader.Column<int>("rows_failed"),
        reader.Column<DateTimeOffset>("created_at"),
        reader.Column<DateTimeOffset?>("started_at"),
        reader.Column<DateTimeOffset?>("finished_at"));

    private static NpgsqlCommand VisibleCommand(NpgsqlDataSource database, string sql, Guid id, HttpContext http)
    {
        var command = database.CreateCommand(sql);
        command.Parameters.Add(new NpgsqlParameter { Value = id });
        command.Parameters.Add(new NpgsqlParameter { Value = http.User.Id()!.Value });
        command.Parameters.Add(new NpgsqlParameter { Value = http.User.IsInRole(Roles.Admin) });
        return command;
    }
}
