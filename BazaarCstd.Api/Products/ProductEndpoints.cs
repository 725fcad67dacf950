using BazaarCstd.Api.Infrastructure;
using BazaarCstd.Contracts;
using BazaarCstd.Contracts.Catalog;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;
using Npgsql;
using NpgsqlTypes;

namespace BazaarCstd.Api.Products;

public static class ProductEndpoints
{
    private const string Columns =
        "id, sku, name, description, category, unit, unit_price, barcode, reorder_point, created_at, updated_at, archived_at";

    public static readonly IReadOnlySet<string> Units = new HashSet<string>(StringComparer.Ordinal) { "each", "kg", "g", "l", "ml", "m", "pack" };

    public static IEndpointRouteBuilder MapProducts(this IEndpointRouteBuilder app)
    {
        var group = app.MapGroup("/api/products").WithTags("Products");
        group.MapGet("/", List).WithName("ListProducts");
        group.MapGet("/{id:guid}", Get).WithName("GetProduct");
        group.MapPost("/", Create).WithName("CreateProduct");
        group.MapDelete("/{id:guid}", Archive).WithName("ArchiveProduct")
            .WithSummary("Archives the product: its history stays, it takes no new movements.");
        return app;
    }

    internal static async Task<Results<Ok<Page<Product>>, ValidationProblem>> List(
        string? category, string? q, bool? includeArchived, string? cursor, int? limit, NpgsqlDataSource db, CancellationToken ct)
    {
        var v = new Validation().Optional("category", category, 100).Optional("q", q, 100);
        Cursor.ValidateLimit(v, limit);
        var after = Cursor.Decode(cursor, 1);
        if (cursor is not null && after is null)
        {
            v.Add("cursor", "is not a cursor this API returned.");
        }

        if (!v.IsValid)
        {
            return v.ToProblem();
        }

        var take = limit ?? Cursor.DefaultLimit;
        await using var command = db.CreateCommand($"""
            SELECT {Columns} FROM bazaar.products
            WHERE ($1 OR archived_at IS NULL)
              AND ($2::text IS NULL OR category = $2)
              AND ($3::text IS NULL OR lower(name) LIKE '%' || lower($3) || '%' OR lower(sku) LIKE lower($3) || '%')
              AND ($4::text IS NULL OR lower(sku) > $4)
            ORDER BY lower(sku) LIMIT $5
            """);
        command.Parameters.AddWithValue(includeArchived ?? false);
        command.Parameters.Add(new NpgsqlParameter { Value = (object?)category ?? DBNull.Value, NpgsqlDbType = NpgsqlDbType.Text });
        command.Parameters.Add(new NpgsqlParameter { Value = (object?)q?.Replace("%", "").Replace("_", "") ?? DBNull.Value, NpgsqlDbType = NpgsqlDbType.Text });
        command.Parameters.Add(new NpgsqlParameter { Value = (object?)after?[0] ?? DBNull.Value, NpgsqlDbType = NpgsqlDbType.Text });
        command.Parameters.AddWithValue(take + 1);
        var products = new List<Product>();
        await using var reader = await command.ExecuteReaderAsync(ct);
        while (await reader.ReadAsync(ct))
        {
            products.Add(Read(reader));
        }

        string? next = null;
        if (products.Count > take)
        {
            products.RemoveAt(take);
            next = Cursor.Encode(products[^1].Sku.ToLowerInvariant());
        }

        return TypedResults.Ok(new Page<Product>(products, next));
    }

    internal static async Task<Results<Ok<Product>, NotFound<ProblemDetails>>> Get(Guid id, NpgsqlDataSource db, CancellationToken ct)
    {
        await using var command = db.CreateCommand($"SELECT {Columns} FROM bazaar.products WHERE id = $1");
        command.Parameters.AddWithValue(id);
        await using var reader = await command.ExecuteReaderAsync(ct);
        return await reader.ReadAsync(ct) ? TypedResults.Ok(Read(reader)) : NotFound(id);
    }

    internal static async Task<Results<Created<Product>, ValidationProblem>> Create(ProductRequest body, NpgsqlDataSource db, CancellationToken ct)
    {
        var v = new Validation()
            .Required("sku", body.Sku, Validation.MaxSkuLength)
            .Required("name", body.Name, 200)
            .Required("category", body.Category, 100)
            .Optional("barcode", body.Barcode, 64)
            .Optional("description", body.Description, 2000);
        if (body.Unit is null || !Units.Contains(body.Unit))
        {
            v.Add("unit", $"must be one of: {string.Join(", ", Units)}.");
        }

        if (body.UnitPrice is not { } price || price < 0 || price > 9_999_999_999.99m || decimal.Round(price, 2) != price)
        {
            v.Add("unitPrice", "is required: 0 or more, at most 2 decimal places.");
        }

        if (body.ReorderPoint is not null)
        {
            v.Quantity("reorderPoint", body.ReorderPoint, allowZero: true);
        }

        if (!v.IsValid)
        {
            return v.ToProblem();
        }

        await using var command = db.CreateCommand($"""
            INSERT INTO bazaar.products (id, sku, name, description, category, unit, unit_price, barcode, reorder_point)
            VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9) RETURNING {Columns}
            """);
        command.Parameters.AddWithValue(Guid.CreateVersion7());
        command.Parameters.AddWithValue(body.Sku!.Trim());
        command.Parameters.AddWithValue(body.Name!.Trim());
        command.Parameters.Add(new NpgsqlParameter { Value = (object?)body.Description ?? DBNull.Value, NpgsqlDbType = NpgsqlDbType.Text });
        command.Parameters.AddWithValue(body.Category!.Trim());
        command.Parameters.AddWithValue(body.Unit!);
        command.Parameters.AddWithValue(body.UnitPrice!.Value);
        command.Parameters.Add(new NpgsqlParameter { Value = (object?)body.Barcode ?? DBNull.Value, NpgsqlDbType = NpgsqlDbType.Text });
        command.Parameters.AddWithValue(body.ReorderPoint ?? 0m);
        try
        {
            await using var reader = await command.ExecuteReaderAsync(ct);
            await reader.ReadAsync(ct);
            var product = Read(reader);
            return TypedResults.Created($"/api/products/{product.Id}", product);
        }
        catch (PostgresException ex) when (ex.SqlState == PostgresErrorCodes.UniqueViolation)
        {
            var barcode = ex.ConstraintName == "ux_products_barcode";
            throw new DomainException(StatusCodes.Status409Conflict,
                barcode ? ProblemTypes.DuplicateBarcode : ProblemTypes.DuplicateSku,
                barcode ? "Barcode already in use." : "SKU already in use.",
                barcode ? $"Another product has barcode '{body.Barcode}'." : $"SKU '{body.Sku}' already exists (SKUs are unique chain-wide, ignoring case).");
        }
    }

    internal static async Task<Results<NoContent, NotFound<ProblemDetails>>> Archive(Guid id, NpgsqlDataSource db, CancellationToken ct)
    {
        await using var command = db.CreateCommand(
            "UPDATE bazaar.products SET archived_at = coalesce(archived_at, now()) WHERE id = $1");
        command.Parameters.AddWithValue(id);
        return await command.ExecuteNonQueryAsync(ct) == 1 ? TypedResults.NoContent() : NotFound(id);
    }

    private static NotFound<ProblemDetails> NotFound(Guid id) => TypedResults.NotFound(new ProblemDetails
    {
        Status = StatusCodes.Status404NotFound,
        Type = ProblemTypes.NotFound,
        Title = "Unknown product.",
        Detail = $"No product {id}.",
    });

    private static Product Read(NpgsqlDataReader r) => new(
        r.GetGuid(0), r.GetString(1), r.GetString(2), r.IsDBNull(3) ? null : r.GetString(3), r.GetString(4), r.GetString(5),
        r.GetDecimal(6), r.IsDBNull(7) ? null : r.GetString(7), r.GetDecimal(8),
        r.GetFieldValue<DateTimeOffset>(9), r.GetFieldValue<DateTimeOffset>(10), r.IsDBNull(11) ? null : r.GetFieldValue<DateTimeOffset>(11));
}
