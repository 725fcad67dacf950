using BazaarCstd.Api.Auth;
using BazaarCstd.Api.Infrastructure;
using BazaarCstd.Api.Infrastructure.ReadCache;
using BazaarCstd.Api.Stock;
using BazaarCstd.Contracts;
using BazaarCstd.Contracts.Stock;
using BazaarCstd.Contracts.Stores;
using BazaarCstd.Data;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;
using Microsoft.EntityFrameworkCore;
using Npgsql;
using StoreEntity = BazaarCstd.Data.Entities.Store;

namespace BazaarCstd.Api.Stores;

/// <summary>Stores, through EF Core; every query starts from <see cref="StoreScope.Visible"/>, so a store the caller may not see is 404.</summary>
public static class StoreEndpoints
{
    public static IEndpointRouteBuilder MapStores(this IEndpointRouteBuilder api)
    {
        var group = api.MapGroup("/stores").WithTags("Stores").RequireAuthorization(Roles.Policies.Staff);
        group.MapGet("/", List).WithName("ListStores").CacheableFor(CacheLifetimes.Catalog).WithSummary("The stores the caller may see, by code; q keeps those whose code starts with or whose name contains the text (any case).");
        group.MapGet("/{id:guid}", Get).WithName("GetStore").CacheableFor(CacheLifetimes.Catalog).ProducesProblem(StatusCodes.Status404NotFound).WithSummary("A store, with its version in ETag.");
        group.MapPost("/", Create).RequireAuthorization(Roles.Policies.Admin).WithName("CreateStore").ProducesProblem(StatusCodes.Status409Conflict)
            .WithSummary("Opens a store; 409 when its code is taken.");
        group.MapPut("/{id:guid}", Update).RequireAuthorization(Roles.Policies.Admin).WithName("UpdateStore")
            .ProducesProblem(StatusCodes.Status404NotFound).ProducesProblem(StatusCodes.Status409Conflict).ProducesProblem(StatusCodes.Status412PreconditionFailed)
            .WithSummary("Replaces the store's fields; send If-Match with the ETag you read to get 412 instead of overwriting a newer change.");
        group.MapGet("/{id:guid}/inventory", Inventory).WithName("GetStoreInventory").CacheableFor(CacheLifetimes.Live).ProducesProblem(StatusCodes.Status404NotFound)
            .WithSummary("Current stock of one store.");
        return api;
    }

    internal static async Task<Results<Ok<Page<Store>>, ValidationProblem>> List(
        string? q, string? cursor, int? limit, BazaarDbContext db, StoreScope scope, ReadCache cache, CancellationToken ct)
    {
        var v = new Validation().Optional("q", q, 100);
        var after = Cursor.Decode(cursor, 1);
        Cursor.Validate(v, cursor, after, limit);
        if (!v.IsValid)
        {
            return v.ToProblem();
        }

        // A search as the user types is a new key at every keystroke: read, not cached.
        if (!string.IsNullOrWhiteSpace(q))
        {
            return TypedResults.Ok(await ReadListAsync(q, after, limit, db, scope, ct));
        }

        // The list is the caller's stores: its key names that set (never a user), so callers with the same stores share it.
        return TypedResults.Ok(await cache.GetOrReadAsync("stores", ReadCacheKeys.StoreList(scope, cursor, limit), [ReadCacheKeys.StoresTag], cache.Catalog,
            token => ReadListAsync(null, after, limit, db, scope, token), ct));
    }

    private static async Task<Page<Store>> ReadListAsync(string? q, string[]? after, int? limit, BazaarDbContext db, StoreScope scope, CancellationToken ct)
    {
        var stores = scope.Visible(db.Stores.AsNoTracking()).Where(s => s.ArchivedAt == null);

        // The dashboard's store switcher searches as the user types: a chain has ~1,000 stores.
        if (q?.Trim().ToLowerInvariant() is { Length: > 0 } text)
        {
            stores = stores.Where(s => s.Code.ToLower().StartsWith(text) || s.Name.ToLower().Contains(text));
        }
        if (after?[0] is { } lastCode)
        {
            stores = stores.Where(s => s.Code.ToLower().CompareTo(lastCode) > 0);
        }

        var take = limit ?? Cursor.DefaultLimit;
        var page = await stores.OrderBy(s => s.Code.ToLower()).Take(take + 1).ToListAsync(ct);
        return Cursor.ToPage([.. page.Select(ToContract)], take, last => Cursor.Encode(last.Code.ToLowerInvariant()));
    }

    internal static async Task<Results<Ok<Store>, ProblemHttpResult>> Get(
        Guid id, BazaarDbContext db, StoreScope scope, ReadCache cache, HttpContext http, CancellationToken ct)
    {
        // Scope first, from the token: a store the caller may not see is 404 before the cache is asked.
        if (!scope.Includes(id))
        {
            return NotFound(id);
        }

        var cached = await cache.GetOrReadAsync("store", ReadCacheKeys.Store(id), [ReadCacheKeys.StoresTag], cache.Catalog, async token =>
            await db.Stores.AsNoTracking().SingleOrDefaultAsync(s => s.Id == id, token) is { } store
                ? new CachedRow<Store>(ToContract(store), ETags.Of(store))
                : new CachedRow<Store>(null, null), ct);
        if (cached is not { Value: { } found, ETag: { } tag })
        {
            return NotFound(id);
        }

        http.Response.Headers.ETag = tag;
        return TypedResults.Ok(found);
    }

    internal static async Task<Results<Created<Store>, ValidationProblem>> Create(
        StoreRequest body, BazaarDbContext db, ReadCacheInvalidation invalidation, HttpContext http, CancellationToken ct)
    {
        var v = Validate(body);
        if (!v.IsValid)
        {
            return v.ToProblem();
        }

        invalidation.After(ReadCacheKeys.StoresTag);

        var store = new StoreEntity { Id = Guid.CreateVersion7(), Code = "", Name = "", Timezone = "" };
        Apply(body, store);
        db.Stores.Add(store);
        await SaveAsync(db, body, ct);
        ETags.Set(http.Response, store);
        return TypedResults.Created($"/api/stores/{store.Id}", ToContract(store));
    }

    internal static async Task<Results<Ok<Store>, ProblemHttpResult, ValidationProblem>> Update(
        Guid id, StoreRequest body, BazaarDbContext db, StoreScope scope, ReadCacheInvalidation invalidation, HttpContext http, CancellationToken ct)
    {
        var v = Validate(body);
        if (!v.IsValid)
        {
            return v.ToProblem();
        }

        // Stock pages show the store's code.
        invalidation.After(ReadCacheKeys.StoresTag, ReadCacheKeys.StockTag);

        if (await scope.Visible(db.Stores).SingleOrDefaultAsync(s => s.Id == id, ct) is not { } store)
        {
            return NotFound(id);
        }

        if (!ETags.Matches(http.Request, store))
        {
            return Changed(id);
        }

        Apply(body, store);
        try
        {
            await SaveAsync(db, body, ct);
        }
        catch (DbUpdateConcurrencyException)
        {
            return Changed(id);
        }

        ETags.Set(http.Response, store);
        return TypedResults.Ok(ToContract(store));
    }

    internal static async Task<Results<Ok<Page<StockRow>>, ProblemHttpResult, ValidationProblem>> Inventory(
        Guid id, [AsParameters] StockQuery query, StockPageCache pages, BazaarDbContext db, StoreScope scope, TimeProvider clock, CancellationToken ct)
    {
        if (!await scope.CanSeeAsync(db.Stores, id, ct))
        {
            return NotFound(id);
        }

        var scoped = query with { StoreId = id };
        var v = scoped.Validate(clock);
        return v.IsValid ? TypedResults.Ok(await pages.CurrentAsync(scoped, scope, ct)) : v.ToProblem();
    }

    private static Validation Validate(StoreRequest body)
    {
        var v = new Validation()
            .Required("code", body.Code, 32)
            .Required("name", body.Name, 200)
            .Optional("timezone", body.Timezone, 64)
            .Optional("address", body.Address, Validation.MaxTextLength);
        if (body.Timezone is not null && !TimeZoneInfo.TryFindSystemTimeZoneById(body.Timezone, out _))
        {
            v.Add("timezone", "is not a known IANA time zone.");
        }

        return v;
    }

    private static void Apply(StoreRequest body, StoreEntity store)
    {
        store.Code = body.Code!.Trim();
        store.Name = body.Name!.Trim();
        store.Timezone = body.Timezone ?? "UTC";
        store.Address = body.Address;
    }

    private static async Task SaveAsync(BazaarDbContext db, StoreRequest body, CancellationToken ct)
    {
        try
        {
            await db.SaveChangesAsync(ct);
        }
        catch (DbUpdateException ex) when (ex.InnerException is PostgresException { SqlState: PostgresErrorCodes.UniqueViolation })
        {
            throw new DomainException(StatusCodes.Status409Conflict, ProblemTypes.DuplicateCode, "Store code already in use.",
                $"A store with code '{body.Code}' already exists.");
        }
    }


    private static ProblemHttpResult NotFound(Guid id) => Problems.NotFound("Unknown store.", $"No store {id}.");

    private static ProblemHttpResult Changed(Guid id) =>
        Problems.PreconditionFailed($"Store {id} has changed since that ETag was read; GET it again and reapply your change.");

    private static Store ToContract(StoreEntity s) => new(s.Id, s.Code, s.Name, s.Timezone, s.Address, s.CreatedAt, s.UpdatedAt, s.ArchivedAt);
}
