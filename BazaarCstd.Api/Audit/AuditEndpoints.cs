using System.Text.Json;
using BazaarCstd.Api.Auth;
using BazaarCstd.Api.Infrastructure;
using BazaarCstd.Api.Infrastructure.Replica;
using BazaarCstd.Contracts;
using BazaarCstd.Contracts.Audit;
using Microsoft.AspNetCore.Http.HttpResults;
using Npgsql;

namespace BazaarCstd.Api.Audit;

/// <summary>
/// The audit log, for administrators: every change of catalog, stores, users, roles, assignments and
/// every movement, written by database triggers in the same transaction as the change.
/// </summary>
public static class AuditEndpoints
{
    private const string Sql = """
        SELECT id, at, table_name, operation, row_key, old_data::text AS old_data, new_data::text AS new_data, actor_id, request_id, db_user
        FROM bazaar.audit_logs
        WHERE ($1::text IS NULL OR table_name = $1)
          AND ($2::uuid IS NULL OR actor_id = $2)
          AND ($3::timestamptz IS NULL OR at >= $3)
          AND ($4::timestamptz IS NULL OR at <= $4)
          AND ($5::timestamptz IS NULL OR (at, id) < ($5, $6))
        ORDER BY at DESC, id DESC
        LIMIT $7
        """;

    public static IEndpointRouteBuilder MapAudit(this IEndpointRouteBuilder api)
    {
        api.MapGet("/audit-logs", List).WithTags("Audit").RequireAuthorization(Roles.Policies.Admin)
            .WithName("ListAuditLogs").WithSummary("Row changes, newest first; filter by table, actorId and a from/to time range.");
        return api;
    }

    internal static async Task<Results<Ok<Page<AuditEntry>>, ValidationProblem>> List(
        [AsParameters] AuditQuery query, ReadDatabase db, CancellationToken ct)
    {
        var v = query.Validate();
        if (!v.IsValid)
        {
            return v.ToProblem();
        }

        var limit = query.Limit ?? Cursor.DefaultLimit;
        var after = query.DecodedCursor;
        await using var command = db.CreateCommand(Sql);
        command.Parameters.Add(NullableParameter.Text(query.Table));
        command.Parameters.Add(NullableParameter.Uuid(query.ActorId));
        command.Parameters.Add(NullableParameter.Timestamp(query.From));
        command.Parameters.Add(NullableParameter.Timestamp(query.To));
        command.Parameters.Add(NullableParameter.Timestamp(after?.At));
        command.Parameters.Add(new NpgsqlParameter { Value = after?.Id ?? 0L });
        command.Parameters.Add(new NpgsqlParameter { Value = limit + 1 });

        var rows = new List<AuditEntry>();
        await using var reader = await command.ExecuteReaderAsync(ct);
        while (await reader.ReadAsync(ct))
        {
            rows.Add(new AuditEntry(
                reader.Column<long>("id"), reader.Column<DateTimeOffset>("at"), reader.Column<string>("table_name"),
                reader.Column<string>("operation"), reader.Column<string>("row_key"), Json(reader, "old_data"), Json(reader, "new_data"),
                reader.Column<Guid?>("actor_id"), reader.Column<string?>("request_id"), reader.Column<string>("db_user")));
        }

        return TypedResults.Ok(Cursor.ToPage(rows, limit, last => Cursor.EncodeInstantAndId(last.At, last.Id)));
    }

    private static JsonElement? Json(NpgsqlDataReader reader, string column) =>
        reader.Column<string?>(column) is { } json ? JsonSerializer.Deserialize<JsonElement>(json) : null;
}
