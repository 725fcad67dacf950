using System.Globalization;
using System.Text;
using BazaarCstd.Api.Auth;
using BazaarCstd.Api.Infrastructure;
using BazaarCstd.Api.Infrastructure.Replica;
using BazaarCstd.Contracts;
using BazaarCstd.Contracts.Events;
using Microsoft.AspNetCore.Http.HttpResults;
using Npgsql;
using NpgsqlTypes;

namespace BazaarCstd.Api.Events;

/// <summary>
/// Messages a consumer gave up on, kept in <c>bazaar.dead_letters</c>, for administrators to read and
/// replay. A replay marks the rows and publishes them in one transaction that commits only after
/// every publisher confirm: a failed publish leaves them waiting, and a dead letter is replayed once
/// however many replays race for it (the losers wait for its row, then find it replayed).
/// </summary>
public static class DeadLetterEndpoints
{
    public const int MaxReplayIds = 100;

    /// <summary>$1 waiting filter (null: all), $2 cursor (last id), $3 limit + 1.</summary>
    private const string ListSql = """
        SELECT id, message_id, exchange, routing_key, queue, reason, delivery_count, body, dead_lettered_at, replayed_at
        FROM bazaar.dead_letters
        WHERE ($1::boolean IS NULL OR (replayed_at IS NULL) = $1)
          AND ($2::bigint IS NULL OR id < $2)
        ORDER BY id DESC
        LIMIT $3
        """;

    /// <summary>
    /// Claims the waiting ones among $1 for actor $2, locking them in id order so overlapping replays
    /// cannot deadlock; a row another replay holds is waited for, then skipped if it got replayed.
    /// </summary>
    private const string ClaimSql = """
        WITH waiting AS (
            SELECT id FROM bazaar.dead_letters WHERE id = ANY($1) AND replayed_at IS NULL ORDER BY id FOR UPDATE)
        UPDATE bazaar.dead_letters d
        SET replayed_at = now(), replayed_by = $2
        FROM waiting
        WHERE d.id = waiting.id
        RETURNING d.id, d.message_id, d.queue, d.headers::text AS headers, d.body
        """;

    public static IEndpointRouteBuilder MapDeadLetters(this IEndpointRouteBuilder api)
    {
        var group = api.MapGroup("/admin/dead-letters").WithTags("Admin").RequireAuthorization(Roles.Policies.Admin);
        group.MapGet("/", List).WithName("ListDeadLetters")
            .WithSummary("Messages the consumers gave up on, newest first; waiting=true lists only those not replayed yet, waiting=false only replayed ones.");
        group.MapPost("/replay", Replay).WithName("ReplayDeadLetters").ProducesProblem(StatusCodes.Status503ServiceUnavailable)
            .WithSummary("Publishes the named dead letters that are still waiting back to their queue (each once); replayed lists them. 503 when RabbitMQ does not confirm: then none is marked replayed.");
        return api;
    }

    internal static async Task<Results<Ok<Page<DeadLetter>>, ValidationProblem>> List(
        bool? waiting, string? cursor, int? limit, ReadDatabase database, CancellationToken ct)
    {
        var v = new Validation();
        var after = Cursor.Decode(cursor, 1) is [var id] && long.TryParse(id, NumberStyles.None, CultureInfo.InvariantCulture, out var lastId) ? lastId : (long?)null;
        Cursor.Validate(v, cursor, after, limit);
        if (!v.IsValid)
        {
            return v.ToProblem();
        }

        var take = limit ?? Cursor.DefaultLimit;
        await using var command = database.CreateCommand(ListSql);
        command.Parameters.Add(new NpgsqlParameter { Value = (object?)waiting ?? DBNull.Value, NpgsqlDbType = NpgsqlDbType.Boolean });
        command.Parameters.Add(NullableParameter.Bigint(after));
        command.Parameters.AddWithValue(take + 1);

        var rows = new List<DeadLetter>();
        await using var reader = await command.ExecuteReaderAsync(ct);
        while (await reader.ReadAsync(ct))
        {
            rows.Add(new DeadLetter(
                reader.Column<long>("id"), reader.Column<string?>("message_id"), reader.Column<string>("exchange"), reader.Column<string>("routing_key"),
                reader.Column<string>("queue"), reader.Column<string>("reason"), reader.Column<int?>("delivery_count"),
                // Never a failure for a body that is not UTF-8: invalid bytes read as U+FFFD.
                Encoding.UTF8.GetString(reader.Column<byte[]>("body")),
                reader.Column<DateTimeOffset>("dead_lettered_at"), reader.Column<DateTimeOffset?>("replayed_at")));
        }

        return TypedResults.Ok(Cursor.ToPage(rows, take, last => Cursor.Encode(last.Id.ToString(CultureInfo.InvariantCulture))));
    }

    internal static async Task<Results<Ok<DeadLetterReplayResult>, ValidationProblem>> Replay(
        DeadLetterReplayRequest body, WriteSession session, DeadLetterPublisher publisher, CancellationToken ct)
    {
        var v = new Validation();
        var ids = body.Ids?.Distinct().ToArray() ?? [];
        if (body.Ids is null || ids.Length is 0 or > MaxReplayIds)
        {
            v.Add("ids", $"must name between 1 and {MaxReplayIds} dead letters.");
        }

        if (!v.IsValid)
        {
            return v.ToProblem();
        }

        await using var transaction = await session.BeginTransactionAsync(ct);
        var claimed = new List<DeadLetterPublisher.Message>();
        await using (var command = session.CreateCommand(ClaimSql))
        {
            command.Parameters.Add(new NpgsqlParameter { Value = ids, NpgsqlDbType = NpgsqlDbType.Array | NpgsqlDbType.Bigint });
            command.Parameters.Add(NullableParameter.Uuid(session.ActorId));
            await using var reader = await command.ExecuteReaderAsync(ct);
            while (await reader.ReadAsync(ct))
            {
                claimed.Add(new DeadLetterPublisher.Message(
                    reader.Column<long>("id"), reader.Column<string?>("message_id"), reader.Column<string>("queue"),
                    reader.Column<string>("headers"), reader.Column<byte[]>("body")));
            }
        }

        claimed.Sort((a, b) => a.Id.CompareTo(b.Id));
        await publisher.PublishAsync(claimed, ct);
        await transaction.CommitAsync();
        return TypedResults.Ok(new DeadLetterReplayResult([.. claimed.Select(m => m.Id)]));
    }
}
