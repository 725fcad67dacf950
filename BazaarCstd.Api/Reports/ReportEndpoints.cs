using BazaarCstd.Api.Auth;
using BazaarCstd.Api.Infrastructure;
using BazaarCstd.Api.Stock;
using BazaarCstd.Contracts;
using BazaarCstd.Contracts.Stock;
using BazaarCstd.Data;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;
using Npgsql;

namespace BazaarCstd.Api.Reports;

/// <summary>
/// Reads shaped for the dashboard's pages: the searchable stock grid and its category filter. Store
/// scoping as everywhere: a caller sees only rows of their stores.
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
          AND (NOT $4 OR l.on_hand <= coalesce(l.reorder_point, p.reorder_point))
          AND ($5::text IS NULL OR (lower(p.sku), l.store_id) > ($5, $6))
          AND ($8::uuid[] IS NULL OR l.store_id = ANY($8))
          AND p.archived_at IS NULL AND s.archived_at IS NULL
        ORDER BY lower(p.sku), l.store_id
        LIMIT $7
        """;

    public static IEndpointRouteBuilder MapReports(this IEndpointRouteBuilder api)
    {
        var group = api.MapGroup("/reports").WithTags("Reports").RequireAuthorization(Roles.Policies.Staff);
        group.MapGet("/stock", SearchStock).WithName("SearchStock")
            .WithSummary("Current stock of the caller's stores, searched by SKU prefix or name (q), by SKU then store.");
        group.MapGet("/categories", Categories).WithName("ListCategories")
            .WithSummary("The categories of the catalog's active products.");
        return api;
    }

    internal static async Task<Results<Ok<Page<StockRow>>, ValidationProblem>> SearchStock(
        Guid? storeId, string? category, string? q, bool? lowStock, string? cursor, int? limit,
        NpgsqlDataSource db, StoreScope scope, CancellationToken ct)
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
}
