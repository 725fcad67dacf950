using System.Globalization;
using BazaarCstd.Api.Auth;
using BazaarCstd.Api.Infrastructure;
using BazaarCstd.Api.Infrastructure.Replica;
using BazaarCstd.Contracts;
using BazaarCstd.Contracts.Alerts;
using BazaarCstd.Contracts.Events;
using BazaarCstd.Data;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;
using Npgsql;
using NpgsqlTypes;

namespace BazaarCstd.Api.Alerts;

/// <summary>
/// Low and out-of-stock alerts, which the Worker opens, changes and resolves. People read them and
/// acknowledge them; an acknowledgement writes an <c>alert.changed</c> event in the same statement.
/// </summary>
public static class AlertEndpoints
{
    private const string Columns = """
        a.id, a.store_id, a.product_id, p.sku, a.kind, a.status, a.on_hand, a.reorder_point,
        a.opened_at, a.changed_at, a.acknowledged_at, a.acknowledged_by, a.resolved_at
        """;

    /// <summary>$1 store, $2 product, $3 statuses, $4 kind, $5 cursor (last id), $6 limit + 1, $7 the caller's stores.</summary>
    private const string ListSql = $"""
        SELECT {Columns}
        FROM bazaar.inventory_alerts a
        JOIN bazaar.products p ON p.id = a.product_id
        WHERE ($1::uuid IS NULL OR a.store_id = $1)
          AND ($2::uuid IS NULL OR a.product_id = $2)
          AND a.status = ANY($3)
          AND ($4::text IS NULL OR a.kind = $4)
          AND ($5::bigint IS NULL OR a.id < $5)
          AND ($7::uuid[] IS NULL OR a.store_id = ANY($7))
        ORDER BY a.id DESC
        LIMIT $6
        """;

    /// <summary>
    /// open → acknowledged, and its <c>alert.changed</c> event (the alert as the API shows it), in one
    /// statement. Only the transition writes: an alert already acknowledged matches nothing here
    /// (a concurrent acknowledgement waits for the row, then sees it acknowledged).
    /// $1 alert, $2 actor, $3 the caller's stores.
    /// </summary>
    private const string AcknowledgeSql = $"""
        WITH acked AS (
            UPDATE bazaar.inventory_alerts a
            SET status = '{AlertStatuses.Acknowledged}', acknowledged_at = now(), acknowledged_by = $2, changed_at = now()
            WHERE a.id = $1 AND a.status = '{AlertStatuses.Open}' AND ($3::uuid[] IS NULL OR a.store_id = ANY($3))
            RETURNING a.*),
        alert AS (
            SELECT {Columns}
            FROM acked a JOIN bazaar.products p ON p.id = a.product_id),
        event AS (
            INSERT INTO bazaar.inventory_events (type, store_id, product_id, payload, trace_parent)
            SELECT '{EventTypes.AlertChanged}', store_id, product_id,
                   jsonb_build_object(
                       'id', id, 'storeId', store_id, 'productId', product_id, 'sku', sku, 'kind', kind,
                       'severity', CASE kind WHEN '{AlertKinds.OutOfStock}' THEN 'critical' ELSE 'warning' END,
                       'status', status, 'onHand', trim_scale(on_hand), 'reorderPoint', trim_scale(reorder_point),
                       'openedAt', opened_at, 'changedAt', changed_at, 'acknowledgedAt', acknowledged_at,
                       'acknowledgedBy', acknowledged_by, 'resolvedAt', resolved_at),
                   nullif(current_setting('bazaar.trace_parent', true), '')
            FROM alert)
        SELECT * FROM alert
        """;

    /// <summary>The alert as it is now (a statement of its own, so it sees a concurrent acknowledgement). $1 alert, $2 the caller's stores.</summary>
    private const string CurrentSql = $"""
        SELECT {Columns}
        FROM bazaar.inventory_alerts a
        JOIN bazaar.products p ON p.id = a.product_id
        WHERE a.id = $1 AND ($2::uuid[] IS NULL OR a.store_id = ANY($2))
        """;

    public static IEndpointRouteBuilder MapAlerts(this IEndpointRouteBuilder api)
    {
        var group = api.MapGroup("/inventory/alerts").WithTags("Alerts").RequireAuthorization(Roles.Policies.Staff);
        group.MapGet("/", List).WithName("ListAlerts").CacheableFor(CacheLifetimes.Live).ProducesProblem(StatusCodes.Status404NotFound)
            .WithSummary("Stock alerts of the caller's stores, newest first; status open, acknowledged, resolved, active (open and acknowledged, the default) or all; filter by storeId, productId and kind.");
        group.MapPost("/{id:long}/acknowledge", Acknowledge).WithName("AcknowledgeAlert")
            .ProducesProblem(StatusCodes.Status404NotFound).ProducesProblem(StatusCodes.Status409Conflict)
            .WithSummary("Marks an open alert acknowledged (once: again is the same 200); a resolved alert is 409.");
        return api;
    }

    internal static async Task<Results<Ok<Page<InventoryAlert>>, ProblemHttpResult, ValidationProblem>> List(
        [AsParameters] AlertQuery query, ReadDatabase database, BazaarDbContext db, StoreScope scope, CancellationToken ct)
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
        command.Parameters.Add(new NpgsqlParameter { Value = query.Statuses, NpgsqlDbType = NpgsqlDbType.Array | NpgsqlDbType.Text });
        command.Parameters.Add(NullableParameter.Text(query.Kind));
        command.Parameters.Add(NullableParameter.Bigint(query.AfterId));
        command.Parameters.AddWithValue(take + 1);
        command.Parameters.Add(scope.Parameter());
        var rows = await ReadAsync(command.ExecuteReaderAsync(ct), ct);
        return TypedResults.Ok(Cursor.ToPage(rows, take, last => Cursor.Encode(last.Id.ToString(CultureInfo.InvariantCulture))));
    }

    internal static async Task<Results<Ok<InventoryAlert>, ProblemHttpResult>> Acknowledge(
        long id, WriteSession session, StoreScope scope, CancellationToken ct)
    {
        await using (var command = session.CreateCommand(AcknowledgeSql))
        {
            command.Parameters.Add(NullableParameter.Bigint(id));
            command.Parameters.Add(NullableParameter.Uuid(session.ActorId));
            command.Parameters.Add(scope.Parameter());
            if (await ReadAsync(command.ExecuteReaderAsync(ct), ct) is [var acknowledged])
            {
                return TypedResults.Ok(acknowledged);
            }
        }

        // Nothing moved: say why, from the alert as it is now.
        await using var query = session.CreateQuery(CurrentSql);
        query.Parameters.Add(NullableParameter.Bigint(id));
        query.Parameters.Add(scope.Parameter());
        if (await ReadAsync(query.ExecuteReaderAsync(ct), ct) is not [var alert])
        {
            return Problems.NotFound("Unknown alert.", $"No alert {id}.");
        }

        return alert.Status == AlertStatuses.Acknowledged
            ? TypedResults.Ok(alert)
            : throw new DomainException(StatusCodes.Status409Conflict, ProblemTypes.Conflict, "The alert cannot be acknowledged.",
                $"Alert {id} is {alert.Status}: only an open alert can be acknowledged.");
    }

    private static async Task<List<InventoryAlert>> ReadAsync(Task<NpgsqlDataReader> execute, CancellationToken ct)
    {
        var rows = new List<InventoryAlert>();
        await using var reader = await execute;
        while (await reader.ReadAsync(ct))
        {
            var kind = reader.Column<string>("kind");
            rows.Add(new InventoryAlert(
                reader.Column<long>("id"), reader.Column<Guid>("store_id"), reader.Column<Guid>("product_id"), reader.Column<string>("sku"),
                kind, AlertKinds.SeverityOf(kind), reader.Column<string>("status"), reader.Column<decimal>("on_hand"),
                reader.Column<decimal>("reorder_point"), reader.Column<DateTimeOffset>("opened_at"), reader.Column<DateTimeOffset>("changed_at"),
                reader.Column<DateTimeOffset?>("acknowledged_at"), reader.Column<Guid?>("acknowledged_by"), reader.Column<DateTimeOffset?>("resolved_at")));
        }

        return rows;
    }
}
