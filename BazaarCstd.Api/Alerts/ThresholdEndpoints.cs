using BazaarCstd.Api.Auth;
using BazaarCstd.Api.Infrastructure;
using BazaarCstd.Api.Infrastructure.ReadCache;
using BazaarCstd.Api.Infrastructure.Replica;
using BazaarCstd.Contracts;
using BazaarCstd.Contracts.Alerts;
using BazaarCstd.Contracts.Catalog;
using BazaarCstd.Contracts.Events;
using BazaarCstd.Data;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;
using Npgsql;
using NpgsqlTypes;

namespace BazaarCstd.Api.Alerts;

/// <summary>
/// Reorder thresholds per (store, product): the store's override in <c>bazaar.stock_thresholds</c>,
/// otherwise the product's <c>reorderPoint</c>. Setting one also writes a <c>threshold.changed</c>
/// event in the same statement, so the Worker re-evaluates the pair's alert.
/// </summary>
public static class ThresholdEndpoints
{
    /// <summary>The threshold in force: the override's columns when there is one, else the product's point.</summary>
    private const string InForce = """
        SELECT p.id AS product_id, p.sku, coalesce(t.reorder_point, p.reorder_point) AS reorder_point, t.reorder_quantity,
               t.product_id IS NOT NULL AS is_override, t.updated_at
        FROM bazaar.products p
        LEFT JOIN bazaar.stock_thresholds t ON t.store_id = $1 AND t.product_id = p.id
        """;

    /// <summary>
    /// The products of one store: those with a stock row or an override, active ones only, by SKU.
    /// $1 store, $2 cursor (lower SKU), $3 limit + 1.
    /// </summary>
    private const string ListSql = InForce + "\n" + """
        WHERE p.id IN (SELECT product_id FROM bazaar.stock_levels WHERE store_id = $1
                       UNION SELECT product_id FROM bazaar.stock_thresholds WHERE store_id = $1)
          AND p.archived_at IS NULL
          AND ($2::text IS NULL OR lower(p.sku) > $2)
        ORDER BY lower(p.sku)
        LIMIT $3
        """;

    private const string GetSql = InForce + "\nWHERE p.id = $2";

    /// <summary>
    /// The override and its event, one statement (so one transaction, behind the audit context, which
    /// also carries the request's trace context). $1 store, $2 product, $3 point, $4 quantity.
    /// </summary>
    private const string PutSql = $"""
        WITH saved AS (
            INSERT INTO bazaar.stock_thresholds AS t (store_id, product_id, reorder_point, reorder_quantity)
            VALUES ($1, $2, $3, $4)
            ON CONFLICT (store_id, product_id) DO UPDATE SET reorder_point = EXCLUDED.reorder_point, reorder_quantity = EXCLUDED.reorder_quantity
            RETURNING t.store_id, t.product_id, t.reorder_point, t.reorder_quantity, t.updated_at),
        event AS (
            INSERT INTO bazaar.inventory_events (type, store_id, product_id, payload, trace_parent)
            SELECT '{EventTypes.ThresholdChanged}', store_id, product_id,
                   jsonb_build_object('reorderPoint', trim_scale(reorder_point), 'reorderQuantity', trim_scale(reorder_quantity)),
                   nullif(current_setting('bazaar.trace_parent', true), '')
            FROM saved)
        SELECT saved.product_id, p.sku, saved.reorder_point, saved.reorder_quantity, true AS is_override, saved.updated_at
        FROM saved JOIN bazaar.products p ON p.id = saved.product_id
        """;

    public static IEndpointRouteBuilder MapThresholds(this IEndpointRouteBuilder api)
    {
        var group = api.MapGroup("/stores/{storeId:guid}/thresholds").WithTags("Alerts").RequireAuthorization(Roles.Policies.Staff);
        group.MapGet("/", List).WithName("ListThresholds").CacheableFor(CacheLifetimes.Live).ProducesProblem(StatusCodes.Status404NotFound)
            .WithSummary("The reorder thresholds in force in a store, by SKU: every active product with a stock row or an override there (isOverride), the product's reorderPoint where there is no override.");
        group.MapGet("/{productId:guid}", Get).WithName("GetThreshold").CacheableFor(CacheLifetimes.Live).ProducesProblem(StatusCodes.Status404NotFound)
            .WithSummary("The reorder threshold in force for one product in a store: the store's override, or the product's reorderPoint (isOverride false).");
        group.MapPut("/{productId:guid}", Put).RequireAuthorization(Roles.Policies.Manager).WithName("SetThreshold")
            .ProducesProblem(StatusCodes.Status404NotFound).ProducesProblem(StatusCodes.Status409Conflict)
            .WithSummary("Sets the store's override of the product's reorder point (and reorder quantity); the Worker re-evaluates the alert. Managers of the store and admins.");
        return api;
    }

    internal static async Task<Results<Ok<Page<StockThreshold>>, ProblemHttpResult, ValidationProblem>> List(
        Guid storeId, string? cursor, int? limit, ReadDatabase database, BazaarDbContext db, StoreScope scope, CancellationToken ct)
    {
        var v = new Validation();
        var after = Cursor.Decode(cursor, 1);
        Cursor.Validate(v, cursor, after, limit);
        if (!v.IsValid)
        {
            return v.ToProblem();
        }

        if (!await scope.CanSeeAsync(db.Stores, storeId, ct))
        {
            return UnknownStore(storeId);
        }

        var take = limit ?? Cursor.DefaultLimit;
        await using var command = database.CreateCommand(ListSql);
        command.Parameters.Add(NullableParameter.Uuid(storeId));
        command.Parameters.Add(NullableParameter.Text(after?[0]));
        command.Parameters.AddWithValue(take + 1);
        var rows = await ReadAsync(command.ExecuteReaderAsync(ct), storeId, ct);
        return TypedResults.Ok(Cursor.ToPage(rows, take, last => Cursor.Encode(last.Sku.ToLowerInvariant())));
    }

    internal static async Task<Results<Ok<StockThreshold>, ProblemHttpResult>> Get(
        Guid storeId, Guid productId, ReadDatabase database, BazaarDbContext db, StoreScope scope, CancellationToken ct)
    {
        if (!await scope.CanSeeAsync(db.Stores, storeId, ct))
        {
            return UnknownStore(storeId);
        }

        await using var command = database.CreateCommand(GetSql);
        command.Parameters.Add(NullableParameter.Uuid(storeId));
        command.Parameters.Add(NullableParameter.Uuid(productId));
        var rows = await ReadAsync(command.ExecuteReaderAsync(ct), storeId, ct);
        return rows is [var threshold] ? TypedResults.Ok(threshold) : Problems.NotFound("Unknown product.", $"No product {productId}.");
    }

    internal static async Task<Results<Ok<StockThreshold>, ProblemHttpResult, ValidationProblem>> Put(
        Guid storeId, Guid productId, StockThresholdRequest body, WriteSession session, BazaarDbContext db, StoreScope scope,
        ReadCacheInvalidation invalidation, CancellationToken ct)
    {
        var v = new Validation().Quantity("reorderPoint", body.ReorderPoint, allowZero: true);
        if (body.ReorderQuantity is not null)
        {
            v.Quantity("reorderQuantity", body.ReorderQuantity);
        }

        if (!v.IsValid)
        {
            return v.ToProblem();
        }

        if (await scope.Visible(db.Stores.AsNoTracking()).Where(s => s.Id == storeId).Select(s => new { s.ArchivedAt }).SingleOrDefaultAsync(ct) is not { } store)
        {
            return UnknownStore(storeId);
        }

        var product = await db.Products.AsNoTracking().Where(p => p.Id == productId && p.ArchivedAt == null)
            .Select(p => new { p.Unit }).SingleOrDefaultAsync(ct);
        if (product is null)
        {
            return UnknownProduct(productId);
        }

        if (store.ArchivedAt is not null)
        {
            throw new DomainException(StatusCodes.Status409Conflict, ProblemTypes.Archived, "Store is archived.", $"Store {storeId} is archived.");
        }

        if (Units.IsWhole(product.Unit))
        {
            foreach (var (field, value) in new[] { ("reorderPoint", body.ReorderPoint), ("reorderQuantity", body.ReorderQuantity) })
            {
                if (value is { } q && decimal.Truncate(q) != q)
                {
                    v.Add(field, $"must be a whole number: the product is counted in '{product.Unit}'.");
                }
            }

            if (!v.IsValid)
            {
                return v.ToProblem();
            }
        }

        await using var command = session.CreateCommand(PutSql);
        command.Parameters.Add(NullableParameter.Uuid(storeId));
        command.Parameters.Add(NullableParameter.Uuid(productId));
        command.Parameters.Add(new NpgsqlParameter { Value = body.ReorderPoint!.Value, NpgsqlDbType = NpgsqlDbType.Numeric });
        command.Parameters.Add(new NpgsqlParameter { Value = (object?)body.ReorderQuantity ?? DBNull.Value, NpgsqlDbType = NpgsqlDbType.Numeric });
        var saved = await ReadAsync(command.ExecuteReaderAsync(ct), storeId, ct);

        // The store's stock pages show the reorder point in force.
        invalidation.AfterStockChange(storeId);
        return TypedResults.Ok(saved.Single());
    }

    private static async Task<List<StockThreshold>> ReadAsync(Task<NpgsqlDataReader> execute, Guid storeId, CancellationToken ct)
    {
        var rows = new List<StockThreshold>();
        await using var reader = await execute;
        while (await reader.ReadAsync(ct))
        {
            rows.Add(new StockThreshold(
                storeId, reader.Column<Guid>("product_id"), reader.Column<string>("sku"), reader.Column<decimal>("reorder_point"),
                reader.Column<decimal?>("reorder_quantity"), reader.Column<bool>("is_override"), reader.Column<DateTimeOffset?>("updated_at")));
        }

        return rows;
    }

    private static ProblemHttpResult UnknownStore(Guid id) => Problems.NotFound("Unknown store.", $"No store {id}.");

    private static ProblemHttpResult UnknownProduct(Guid id) => Problems.NotFound("Unknown product.", $"No active product {id}.");
}
