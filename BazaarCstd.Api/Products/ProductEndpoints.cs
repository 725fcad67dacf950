using BazaarCstd.Api.Auth;
using BazaarCstd.Api.Infrastructure;
using BazaarCstd.Contracts;
using BazaarCstd.Contracts.Catalog;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;
using Npgsql;

namespace BazaarCstd.Api.Products;

public static class ProductEndpoints
{
    private const string Columns =
        "id, sku, name, description, category, unit, unit_price, barcode, reorder_point, created_at, updated_at, archived_at, " + ETags.RowVersion;

    public static IEndpointRouteBuilder MapProducts(this IEndpointRouteBuilder api)
    {
        var group = api.MapGroup("/products").WithTags("Products").RequireAuthorization(Roles.Policies.Staff);
        group.MapGet("/", List).WithName("ListProducts").WithSummary("Products by sku; filter by category or text (q), archived ones on request.");
        group.MapGet("/{id:guid}", Get).WithName("GetProduct").ProducesProblem(StatusCodes.Status404NotFound).WithSummary("A product, with its version in ETag.");
        group.MapPost("/", Create).RequireAuthorization(Roles.Policies.Admin).WithName("CreateProduct").ProducesProblem(StatusCodes.Status409Conflict)
            .WithSummary("Adds a product to the chain's catalog; 409 when its sku or barcode is taken.");
        group.MapPut("/{id:guid}", Update).RequireAuthorization(Roles.Policies.Admin).WithName("UpdateProduct")
            .ProducesProblem(StatusCodes.Status404NotFound).ProducesProblem(StatusCodes.Status409Conflict).ProducesProblem(StatusCodes.Status412PreconditionFailed)
            .WithSummary("Replaces the product's fields; send If-Match with the ETag you read to get 412 instead of overwriting a newer change.");
        group.MapDelete("/{id:guid}", Archive).RequireAuthorization(Roles.Policies.Admin).WithName("ArchiveProduct").ProducesProblem(StatusCodes.Status404NotFound)
            .WithSummary("Archives the product: its history stays, it takes no new movements.");
        return api;
    }

    internal static async Task<Results<Ok<Page<Product>>, ValidationProblem>> List(
        string? category, string? q, bool? includeArchived, string? cursor, int? limit, NpgsqlDataSource db, CancellationToken ct)
    {
        var v = new Validation().Optional("category", category, 100).Optional("q", q, 100);
        var after = Cursor.Decode(cursor, 1);
        Cursor.Validate(v, cursor, after, limit);
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
        command.Parameters.Add(NullableParameter.Text(category));
        command.Parameters.Add(NullableParameter.Text(q?.Replace("%", "").Replace("_", "")));
        command.Parameters.Add(NullableParameter.Text(after?[0]));
        command.Parameters.AddWithValue(take + 1);
        var products = new List<Product>();
        await using var reader = await command.ExecuteReaderAsync(ct);
        while (await reader.ReadAsync(ct))
        {
            products.Add(Read(reader));
        }

        return TypedResults.Ok(Cursor.ToPage(products, take, last => Cursor.Encode(last.Sku.ToLowerInvariant())));
    }

    internal static async Task<Results<Ok<Product>, ProblemHttpResult>> Get(Guid id, NpgsqlDataSource db, HttpContext http, CancellationToken ct)
    {
        await using var command = db.CreateCommand($"SELECT {Columns} FROM bazaar.products WHERE id = $1");
        command.Parameters.AddWithValue(id);
        await using var reader = await command.ExecuteReaderAsync(ct);
        if (!await reader.ReadAsync(ct))
        {
            return NotFound(id);
        }

        ETags.Set(http.Response, reader.GetString(12));
        return TypedResults.Ok(Read(reader));
    }

    internal static async Task<Results<Created<Product>, ValidationProblem>> Create(
        ProductRequest body, WriteSession session, HttpContext http, CancellationToken ct)
    {
        var v = Validate(body);
        if (!v.IsValid)
        {
            return v.ToProblem();
        }

        await using var command = session.CreateCommand($"""
            INSERT INTO bazaar.products (id, sku, name, description, category, unit, unit_price, barcode, reorder_point)
            VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9) RETURNING {Columns}
            """);
        command.Parameters.AddWithValue(Guid.CreateVersion7());
        AddFields(command, body);
        try
        {
            await using var reader = await command.ExecuteReaderAsync(ct);
            await reader.ReadAsync(ct);
            ETags.Set(http.Response, reader.GetString(12));
            var product = Read(reader);
            return TypedResults.Created($"/api/products/{product.Id}", product);
        }
        catch (PostgresException ex) when (ex.SqlState == PostgresErrorCodes.UniqueViolation)
        {
            throw Duplicate(ex, body);
        }
    }

    internal static async Task<Results<Ok<Product>, ProblemHttpResult, ValidationProblem>> Update(
        Guid id, ProductRequest body, WriteSession session, HttpContext http, CancellationToken ct)
    {
        var v = Validate(body);
        if (!v.IsValid)
        {
            return v.ToProblem();
        }

        var expected = ETags.Expected(http.Request);

        // A unit counted in whole numbers cannot be given to a product with fractional stock anywhere.
        await using var command = session.CreateCommand($"""
            UPDATE bazaar.products p
            SET sku = $2, name = $3, description = $4, category = $5, unit = $6, unit_price = $7, barcode = $8, reorder_point = $9
            WHERE p.id = $1
              AND ($10::text IS NULL OR p.xmin::text = $10)
              AND NOT ($11 AND EXISTS (SELECT 1 FROM bazaar.stock_levels l WHERE l.product_id = p.id AND l.on_hand <> trunc(l.on_hand)))
            RETURNING {Columns}
            """);
        command.Parameters.AddWithValue(id);
        AddFields(command, body);
        command.Parameters.Add(NullableParameter.Text(expected));
        command.Parameters.AddWithValue(Units.IsWhole(body.Unit!));
        try
        {
            await using (var reader = await command.ExecuteReaderAsync(ct))
            {
                if (await reader.ReadAsync(ct))
                {
                    ETags.Set(http.Response, reader.GetString(12));
                    return TypedResults.Ok(Read(reader));
                }
            }
        }
        catch (PostgresException ex) when (ex.SqlState == PostgresErrorCodes.UniqueViolation)
        {
            throw Duplicate(ex, body);
        }

        // Nothing updated: say why.
        await using var check = session.CreateQuery($"SELECT {ETags.RowVersion} FROM bazaar.products WHERE id = $1");
        check.Parameters.AddWithValue(id);
        var current = (string?)await check.ExecuteScalarAsync(ct);
        if (current is null)
        {
            return NotFound(id);
        }

        if (expected is not null && expected != current)
        {
            return Problems.PreconditionFailed($"Product {id} has changed since that ETag was read; GET it again and reapply your change.");
        }

        throw new DomainException(StatusCodes.Status409Conflict, ProblemTypes.Conflict, "Unit cannot change.",
            $"Some store holds a fractional quantity of this product, so it cannot be counted in '{body.Unit}'.");
    }

    internal static async Task<Results<NoContent, ProblemHttpResult>> Archive(Guid id, WriteSession session, CancellationToken ct)
    {
        await using var command = session.CreateCommand(
            "UPDATE bazaar.products SET archived_at = coalesce(archived_at, now()) WHERE id = $1");
        command.Parameters.AddWithValue(id);
        return await command.ExecuteNonQueryAsync(ct) == 1 ? TypedResults.NoContent() : NotFound(id);
    }

    private static Validation Validate(ProductRequest body)
    {
        var v = new Validation()
            .Required("sku", body.Sku, Validation.MaxSkuLength)
            .Required("name", body.Name, 200)
            .Required("category", body.Category, 100)
            .Optional("barcode", body.Barcode, 64)
            .Optional("description", body.Description, 2000);
        v.OneOf("unit", body.Unit, Units.All, required: true);

        if (body.UnitPrice is not { } price || price < 0 || price > 9_999_999_999.99m || decimal.Round(price, 2) != price)
        {
            v.Add("unitPrice", "is required: 0 or more, at most 2 decimal places.");
        }

        if (body.ReorderPoint is not null)
        {
            v.Quantity("reorderPoint", body.ReorderPoint, allowZero: true);
        }

        return v;
    }

    /// <summary>Parameters $2–$9: the product's fields in column order.</summary>
    private static void AddFields(WriteCommand command, ProductRequest body)
    {
        command.Parameters.AddWithValue(body.Sku!.Trim());
        command.Parameters.AddWithValue(body.Name!.Trim());
        command.Parameters.Add(NullableParameter.Text(body.Description));
        command.Parameters.AddWithValue(body.Category!.Trim());
        command.Parameters.AddWithValue(body.Unit!);
        command.Parameters.AddWithValue(body.UnitPrice!.Value);
        command.Parameters.Add(NullableParameter.Text(body.Barcode));
        command.Parameters.AddWithValue(body.ReorderPoint ?? 0m);
    }

    private static DomainException Duplicate(PostgresException ex, ProductRequest body) =>
        ex.ConstraintName == "ux_products_barcode"
            ? new DomainException(StatusCodes.Status409Conflict, ProblemTypes.DuplicateBarcode, "Barcode already in use.",
                $"Another product has barcode '{body.Barcode}'.")
            : new DomainException(StatusCodes.Status409Conflict, ProblemTypes.DuplicateSku, "SKU already in use.",
                $"SKU '{body.Sku}' already exists (SKUs are unique chain-wide, ignoring case).");

    private static ProblemHttpResult NotFound(Guid id) => Problems.NotFound("Unknown product.", $"No product {id}.");



    private static Product Read(NpgsqlDataReader r) => new(
        r.GetGuid(0), r.GetString(1), r.GetString(2), r.IsDBNull(3) ? null : r.GetString(3), r.GetString(4), r.GetString(5),
        r.GetDecimal(6), r.IsDBNull(7) ? null : r.GetString(7), r.GetDecimal(8),
        r.GetFieldValue<DateTimeOffset>(9), r.GetFieldValue<DateTimeOffset>(10), r.IsDBNull(11) ? null : r.GetFieldValue<DateTimeOffset>(11));
}
