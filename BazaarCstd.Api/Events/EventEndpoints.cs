using System.Globalization;
using System.Text.Json;
using BazaarCstd.Api.Auth;
using BazaarCstd.Api.Infrastructure;
using BazaarCstd.Api.Infrastructure.Replica;
using BazaarCstd.Contracts;
using BazaarCstd.Contracts.Events;
using BazaarCstd.Data;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;
using Npgsql;

namespace BazaarCstd.Api.Events;

/// <summary>
/// The event log (<c>bazaar.inventory_events</c>, the outbox the Worker relays), oldest first by id:
/// what a client replays or tails. Store scoping as everywhere; events of no store are for admins.
/// </summary>
public static class EventEndpoints
{
    /// <summary>$1 store, $2 product, $3 type, $4/$5 occurred from/to, $6 id lower bound (exclusive), $7 limit + 1, $8 the caller's stores.</summary>
    private const string ListSql = """
        SELECT id, type, store_id, product_id, occurred_at, payload::text AS payload
        FROM bazaar.inventory_events
        WHERE ($1::uuid IS NULL OR store_id = $1)
          AND ($2::uuid IS NULL OR product_id = $2)
          AND ($3::text IS NULL OR type = $3)
          AND ($4::timestamptz IS NULL OR occurred_at >= $4)
          AND ($5::timestamptz IS NULL OR occurred_at <= $5)
          AND id > $6
          AND ($8::uuid[] IS NULL OR store_id = ANY($8))
        ORDER BY id
        LIMIT $7
        """;

    public static IEndpointRouteBuilder MapEvents(this IEndpointRouteBuilder api)
    {
        api.MapGet("/inventory/events", List).WithTags("Events").RequireAuthorization(Roles.Policies.Staff)
            .WithName("ListEvents").CacheableFor(CacheLifetimes.Live).ProducesProblem(StatusCodes.Status404NotFound)
            .WithSummary("Inventory events of the caller's stores, oldest first by id; filter by storeId, productId, type and an occurredAt from/to range; afterId (exclusive) tails the log.");
        return api;
    }

    internal static async Task<Results<Ok<Page<InventoryEvent>>, ProblemHttpResult, ValidationProblem>> List(
        [AsParameters] EventQuery query, ReadDatabase database, BazaarDbContext db, StoreScope scope, CancellationToken ct)
    {
        var v = query.Validate();
        if (!v.IsValid)
        {
            return v.ToProblem();
        }

        if (query.StoreId is { } storeId && !await scope.CanSeeAsync(db.Stores, storeId, ct))
        {
            return Problems.NotFound("Unknown store.", $"No store {storeId}.");
        }

        var take = query.Limit ?? Cursor.DefaultLimit;
        await using var command = database.CreateCommand(ListSql);
        command.Parameters.Add(NullableParameter.Uuid(query.StoreId));
        command.Parameters.Add(NullableParameter.Uuid(query.ProductId));
        command.Parameters.Add(NullableParameter.Text(query.Type));
        command.Parameters.Add(NullableParameter.Timestamp(query.From));
        command.Parameters.Add(NullableParameter.Timestamp(query.To));
        command.Parameters.Add(NullableParameter.Bigint(query.LowerBound));
        command.Parameters.AddWithValue(take + 1);
        command.Parameters.Add(scope.Parameter());

        var rows = new List<InventoryEvent>();
        await using var reader = await command.ExecuteReaderAsync(ct);
        while (await reader.ReadAsync(ct))
        {
            rows.Add(new InventoryEvent(
                reader.Column<long>("id"), reader.Column<string>("type"), reader.Column<Guid?>("store_id"), reader.Column<Guid?>("product_id"),
                reader.Column<DateTimeOffset>("occurred_at"), JsonSerializer.Deserialize<JsonElement>(reader.Column<string>("payload"))));
        }

        return TypedResults.Ok(Cursor.ToPage(rows, take, last => Cursor.Encode(last.Id.ToString(CultureInfo.InvariantCulture))));
    }
}
