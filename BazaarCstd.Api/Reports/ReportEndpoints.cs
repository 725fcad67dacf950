using BazaarCstd.Api.Auth;
using BazaarCstd.Api.Infrastructure;
using BazaarCstd.Api.Infrastructure.Replica;
using BazaarCstd.Api.Stock;
using BazaarCstd.Contracts;
using BazaarCstd.Contracts.Reports;
using BazaarCstd.Contracts.Stock;
using BazaarCstd.Data;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;
using Npgsql;

namespace BazaarCstd.Api.Reports;

/// <summary>
/// Reads shaped for the dashboard's pages: the searchable stock grid, its category filter and daily
/// sales. Store scoping as everywhere: a caller sees only rows of their stores.
/// </summary>
public static class ReportEndpoints
{
    /// <summary>
    /// Current stock like <c>GET /api/stock/current</c>, plus a search over SKU and name, ordered by SKU
    /// (then store) for people rather than by id for machines. $1 store, $2 category, $3 search text,
    /// $4 low stock only, $5/$6 cursor (lower SKU, store id), $7 limit + 1, $8 the caller's stores.
    /// </summary>
    private const string StockSql = StockReader.CurrentLevels + "\n" + """
        WHERE ($1::uuid IS NULL OR l.store_id = $1)
          AND ($2::text IS NULL OR p.category = $2)
          AND ($3::text IS NULL OR lower(p.sku) LIKE lower($3) || '%' OR lower(p.name) LIKE '%' || lower($3) || '%')
          AND (NOT $4 OR l.on_hand <= coalesce(t.reorder_point, p.reorder_point))
          AND ($5::text IS NULL OR (lower(p.sku), l.store_id) > ($5, $6))
          AND ($8::uuid[] IS NULL OR l.store_id = ANY($8))
          AND p.archived_at IS NULL AND s.archived_at IS NULL
        ORDER BY lower(p.sku), l.store_id
        LIMIT $7
        """;

    /// <summary>Longest period one sales report covers.</summary>
    public const int MaxSalesDays = 366;

    /// <summary>
    /// Units sold per day, every day of the period present. A sale's day is its store's calendar day
    /// (<c>occurred_at AT TIME ZONE</c> the store's time zone). $1/$2 first and last day, $3/$4 a UTC
    /// window around them that no time zone leaves (so the scan stays on the period's partitions),
    /// $5 store, $6 the caller's stores, $7 the kind.
    /// </summary>
    private const string SalesSql = """
        WITH sold AS (
            SELECT (m.occurred_at AT TIME ZONE s.timezone)::date AS day, sum(m.quantity) AS units, count(*) AS sales
            FROM bazaar.stock_movements m
            JOIN bazaar.stores s ON s.id = m.store_id
            WHERE m.kind = $7
              AND m.occurred_at >= $3 AND m.occurred_at < $4
              AND ($5::uuid IS NULL OR m.store_id = $5)
              AND ($6::uuid[] IS NULL OR m.store_id = ANY($6))
            GROUP BY 1)
        SELECT d::date AS day, coalesce(sold.units, 0) AS units, coalesce(sold.sales, 0) AS sales
        FROM generate_series($1::date, $2::date, interval '1 day') d
        LEFT JOIN sold ON sold.day = d::date
        ORDER BY d
        """;

    public static IEndpointRouteBuilder MapReports(this IEndpointRouteBuilder api)
    {
        var group = api.MapGroup("/reports").WithTags("Reports").RequireAuthorization(Roles.Policies.Staff);
        group.MapGet("/stock", SearchStock).WithName("SearchStock").CacheableFor(CacheLifetimes.Live)
            .WithSummary("Current stock of the caller's stores, searched by SKU prefix or name (q), by SKU then store.");
        group.MapGet("/categories", Categories).WithName("ListCategories").CacheableFor(CacheLifetimes.Catalog)
            .WithSummary("The categories of the catalog's active products.");
        group.MapGet("/sales", Sales).WithName("GetSalesReport").CacheableFor(CacheLifetimes.Live).ProducesProblem(StatusCodes.Status404NotFound)
            .WithSummary("Units sold per day (each store's own calendar day) in the caller's stores or one of them; from/to default to the last 30 days.");
        return api;
    }

    internal static async Task<Results<Ok<Page<StockRow>>, ValidationProblem>> SearchStock(
        Guid? storeId, string? category, string? q, bool? lowStock, string? cursor, int? limit,
        ReadDatabase db, StoreScope scope, CancellationToken ct)
    {
        var v = new Validation().Optional("category", category, 100).Optional("q", q, 100);
        var after = Cursor.Decode(cursor, 2) is [var sku, var store] && Guid.TryParse(store, out var storeAfter) ? (sku, storeAfter) : ((string, Guid)?)null;
        Cursor.Validate(v, cursor, after, limit);
        if (!v.IsValid)
        {
            return v.ToProblem();
        }

        var take = limit ?? Cursor.DefaultLimit;
        await using var command = db.CreateCommand(StockSql);
        command.Parameters.Add(NullableParameter.Uuid(storeId));
        command.Parameters.Add(NullableParameter.Text(category));
        command.Parameters.Add(NullableParameter.Text(string.IsNullOrWhiteSpace(q) ? null : q.Trim().Replace("%", "").Replace("_", "")));
        command.Parameters.AddWithValue(lowStock ?? false);
        command.Parameters.Add(NullableParameter.Text(after?.Item1));
        command.Parameters.Add(NullableParameter.Uuid(after?.Item2));
        command.Parameters.AddWithValue(take + 1);
        command.Parameters.Add(scope.Parameter());

        var rows = new List<StockRow>();
        await using var reader = await command.ExecuteReaderAsync(ct);
        while (await reader.ReadAsync(ct))
        {
            rows.Add(StockRowReader.Read(reader));
        }

        return TypedResults.Ok(Cursor.ToPage(rows, take, last => Cursor.Encode(last.Sku.ToLowerInvariant(), last.StoreId.ToString())));
    }

    internal static async Task<Ok<string[]>> Categories(BazaarDbContext db, CancellationToken ct) =>
        TypedResults.Ok(await db.Products.AsNoTracking().Where(p => p.ArchivedAt == null)
            .Select(p => p.Category).Distinct().OrderBy(c => c).ToArrayAsync(ct));

    internal static async Task<Results<Ok<SalesReport>, ProblemHttpResult, ValidationProblem>> Sales(
        Guid? storeId, DateOnly? from, DateOnly? to, ReadDatabase database, BazaarDbContext db, StoreScope scope,
        TimeProvider clock, CancellationToken ct)
    {
        var last = to ?? DateOnly.FromDateTime(clock.GetUtcNow().UtcDateTime);
        var first = from ?? last.AddDays(-29);
        var v = new Validation();
        if (first > last)
        {
            v.Add("to", "must not be before from.");
        }
        else if (last.DayNumber - first.DayNumber + 1 > MaxSalesDays)
        {
            v.Add("from", $"the period must be at most {MaxSalesDays} days.");
        }

        if (!v.IsValid)
        {
            return v.ToProblem();
        }

        // A store the caller may not see is unknown to them, like every store-bound read.
        if (storeId is { } id && !await scope.CanSeeAsync(db.Stores, id, ct))
        {
            return Problems.NotFound("Unknown store.", $"No store {id}.");
        }

        await using var command = database.CreateCommand(SalesSql);
        command.Parameters.AddWithValue(first);
        command.Parameters.AddWithValue(last);
        // Time zones run from UTC-12 to UTC+14: a day further on either side holds every local day.
        command.Parameters.Add(NullableParameter.Timestamp(new DateTimeOffset(first.AddDays(-1).ToDateTime(TimeOnly.MinValue), TimeSpan.Zero)));
        command.Parameters.Add(NullableParameter.Timestamp(new DateTimeOffset(last.AddDays(2).ToDateTime(TimeOnly.MinValue), TimeSpan.Zero)));
        command.Parameters.Add(NullableParameter.Uuid(storeId));
        command.Parameters.Add(scope.Parameter());
        command.Parameters.Add(NullableParameter.Text(MovementKinds.Sale));

        var days = new List<SalesDay>();
        await using var reader = await command.ExecuteReaderAsync(ct);
        while (await reader.ReadAsync(ct))
        {
            days.Add(new SalesDay(reader.Column<DateOnly>("day"), reader.Column<decimal>("units"), reader.Column<long>("sales")));
        }

        return TypedResults.Ok(new SalesReport(storeId, first, last, days));
    }
}
