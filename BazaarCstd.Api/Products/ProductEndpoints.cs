using BazaarCstd.Api.Auth;
using BazaarCstd.Api.Infrastructure;
using BazaarCstd.Api.Infrastructure.ReadCache;
using BazaarCstd.Contracts;
using BazaarCstd.Contracts.Catalog;
using BazaarCstd.Data;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;
using Microsoft.EntityFrameworkCore;
using Npgsql;
using ProductEntity = BazaarCstd.Data.Entities.Product;

namespace BazaarCstd.Api.Products;

/// <summary>The chain-wide catalog, through EF Core: no-tracking reads, tracked updates, <c>xmin</c> as the ETag.</summary>
public static class ProductEndpoints
{
    public static IEndpointRouteBuilder MapProducts(this IEndpointRouteBuilder api)
    {
        var group = api.MapGroup("/products").WithTags("Products").RequireAuthorization(Roles.Policies.Staff);
        group.MapGet("/", List).WithName("ListProducts").CacheableFor(CacheLifetimes.Catalog).WithSummary("Products by sku; filter by category or text (q), archived ones on request.");
        group.MapGet("/{id:guid}", Get).WithName("GetProduct").CacheableFor(CacheLifetimes.Catalog).ProducesProblem(StatusCodes.Status404NotFound).WithSummary("A product, with its version in ETag.");
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
        string? category, string? q, bool? includeArchived, string? cursor, int? limit, BazaarDbContext db, ReadCache cache, CancellationToken ct)
    {
        var v = new Validation().Optional("category", category, 100).Optional("q", q, 100);
        var after = Cursor.Decode(cursor, 1);
        Cursor.Validate(v, cursor, after, limit);
        if (!v.IsValid)
        {
            return v.ToProblem();
        }

        var key = ReadCacheKeys.ProductList(category, q, includeArchived, cursor, limit);
        return TypedResults.Ok(await cache.GetOrReadAsync("products", key, [ReadCacheKeys.ProductsTag], cache.Catalog,
            token => ReadListAsync(category, q, includeArchived, after, limit, db, token), ct));
    }

    private static async Task<Page<Product>> ReadListAsync(
        string? category, string? q, bool? includeArchived, string[]? after, int? limit, BazaarDbContext db, CancellationToken ct)
    {
        var products = db.Products.AsNoTracking();
        if (includeArchived is not true)
        {
            products = products.Where(p => p.ArchivedAt == null);
        }

        if (category is not null)
        {
            products = products.Where(p => p.Category == category);
        }

        if (q?.ToLowerInvariant() is { Length: > 0 } text)
        {
            products = products.Where(p => p.Name.ToLower().Contains(text) || p.Sku.ToLower().StartsWith(text));
        }

        if (after?[0] is { } lastSku)
        {
            products = products.Where(p => p.Sku.ToLower().CompareTo(lastSku) > 0);
        }

        var take = limit ?? Cursor.DefaultLimit;
        var page = await products.OrderBy(p => p.Sku.ToLower()).Take(take + 1).ToListAsync(ct);
        return Cursor.ToPage([.. page.Select(ToContract)], take, last => Cursor.Encode(last.Sku.ToLowerInvariant()));
    }

    internal static async Task<Results<Ok<Product>, ProblemHttpResult>> Get(Guid id, BazaarDbContext db, ReadCache cache, HttpContext http, CancellationToken ct)
    {
        var cached = await cache.GetOrReadAsync("product", ReadCacheKeys.Product(id), [ReadCacheKeys.ProductsTag], cache.Catalog, async token =>
            await db.Products.AsNoTracking().SingleOrDefaultAsync(p => p.Id == id, token) is { } product
                ? new CachedRow<Product>(ToContract(product), ETags.Of(product))
                : new CachedRow<Product>(null, null), ct);
        if (cached is not { Value: { } found, ETag: { } tag })
        {
            return NotFound(id);
        }

        http.Response.Headers.ETag = tag;
        return TypedResults.Ok(found);
    }

    internal static async Task<Results<Created<Product>, ValidationProblem>> Create(
        ProductRequest body, BazaarDbContext db, ReadCacheInvalidation invalidation, HttpContext http, CancellationToken ct)
    {
        var v = Validate(body);
        if (!v.IsValid)
        {
            return v.ToProblem();
        }

        invalidation.After(ReadCacheKeys.ProductsTag);
        var product = new ProductEntity { Id = Guid.CreateVersion7(), Sku = "", Name = "", Category = "", Unit = "" };
        Apply(body, product);
        db.Products.Add(product);
        await SaveAsync(db, body, ct);
        ETags.Set(http.Response, product);
        return TypedResults.Created($"/api/products/{product.Id}", ToContract(product));
    }

    internal static async Task<Results<Ok<Product>, ProblemHttpResult, ValidationProblem>> Update(
        Guid id, ProductRequest body, BazaarDbContext db, ReadCacheInvalidation invalidation, HttpContext http, CancellationToken ct)
    {
        var v = Validate(body);
        if (!v.IsValid)
        {
            return v.ToProblem();
        }

        // Stock pages show the product's sku, name, unit and reorder point.
        invalidation.After(ReadCacheKeys.ProductsTag, ReadCacheKeys.StockTag);

        if (await db.Products.SingleOrDefaultAsync(p => p.Id == id, ct) is not { } product)
        {
            return NotFound(id);
        }

        if (!ETags.Matches(http.Request, product))
        {
            return Changed(id);
        }

        // A unit counted in whole numbers cannot be given to a product with fractional stock anywhere.
        if (Units.IsWhole(body.Unit!) && await db.Database
                .SqlQuery<bool>($"SELECT EXISTS (SELECT 1 FROM bazaar.stock_levels WHERE product_id = {id} AND on_hand <> trunc(on_hand)) AS \"Value\"")
                .SingleAsync(ct))
        {
            throw new DomainException(StatusCodes.Status409Conflict, ProblemTypes.Conflict, "Unit cannot change.",
                $"Some store holds a fractional quantity of this product, so it cannot be counted in '{body.Unit}'.");
        }

        Apply(body, product);
        try
        {
            await SaveAsync(db, body, ct);
        }
        catch (DbUpdateConcurrencyException)
        {
            // Changed between our read and our write: the UPDATE matched no row with the version we read.
            return Changed(id);
        }

        ETags.Set(http.Response, product);
        return TypedResults.Ok(ToContract(product));
    }

    internal static async Task<Results<NoContent, ProblemHttpResult>> Archive(Guid id, BazaarDbContext db, ReadCacheInvalidation invalidation, CancellationToken ct)
    {
        invalidation.After(ReadCacheKeys.ProductsTag);
        return await db.Products.Where(p => p.Id == id)
            .ExecuteUpdateAsync(set => set.SetProperty(p => p.ArchivedAt, p => p.ArchivedAt ?? DateTimeOffset.UtcNow), ct) == 1
            ? TypedResults.NoContent()
            : NotFound(id);
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

    private static void Apply(ProductRequest body, ProductEntity product)
    {
        product.Sku = body.Sku!.Trim();
        product.Name = body.Name!.Trim();
        product.Description = body.Description;
        product.Category = body.Category!.Trim();
        product.Unit = body.Unit!;
        product.UnitPrice = body.UnitPrice!.Value;
        product.Barcode = body.Barcode;
        product.ReorderPoint = body.ReorderPoint ?? 0m;
    }

    private static async Task SaveAsync(BazaarDbContext db, ProductRequest body, CancellationToken ct)
    {
        try
        {
            await db.SaveChangesAsync(ct);
        }
        catch (DbUpdateException ex) when (ex.InnerException is PostgresException { SqlState: PostgresErrorCodes.UniqueViolation } unique)
        {
            throw unique.ConstraintName == "ux_products_barcode"
                ? new DomainException(StatusCodes.Status409Conflict, ProblemTypes.DuplicateBarcode, "Barcode already in use.",
                    $"Another product has barcode '{body.Barcode}'.")
                : new DomainException(StatusCodes.Status409Conflict, ProblemTypes.DuplicateSku, "SKU already in use.",
                    $"SKU '{body.Sku}' already exists (SKUs are unique chain-wide, ignoring case).");
        }
    }


    private static ProblemHttpResult NotFound(Guid id) => Problems.NotFound("Unknown product.", $"No product {id}.");

    private static ProblemHttpResult Changed(Guid id) =>
        Problems.PreconditionFailed($"Product {id} has changed since that ETag was read; GET it again and reapply your change.");

    private static Product ToContract(ProductEntity p) => new(
        p.Id, p.Sku, p.Name, p.Description, p.Category, p.Unit, p.UnitPrice, p.Barcode, p.ReorderPoint, p.CreatedAt, p.UpdatedAt, p.ArchivedAt);
}
