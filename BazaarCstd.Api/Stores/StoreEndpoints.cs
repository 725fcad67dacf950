using BazaarCstd.Api.Auth;
using BazaarCstd.Api.Infrastructure;
using BazaarCstd.Api.Stock;
using BazaarCstd.Contracts;
using BazaarCstd.Contracts.Stock;
using BazaarCstd.Contracts.Stores;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;
using Npgsql;

namespace BazaarCstd.Api.Stores;

public static class StoreEndpoints
{
    private const string Columns = "id, code, name, timezone, address, created_at, updated_at, archived_at, " + ETags.RowVersion;

    /// <summary>A visible store by id: $1 the id, $2 the caller's <see cref="StoreScope"/>.</summary>
    private const string VisibleById = "id = $1 AND ($2::uuid[] IS NULL OR id = ANY($2))";

    public static IEndpointRouteBuilder MapStores(this IEndpointRouteBuilder api)
    {
        var group = api.MapGroup("/stores").WithTags("Stores").RequireAuthorization(Roles.Policies.Staff);
        group.MapGet("/", List).WithName("ListStores").WithSummary("The stores the caller may see, by code.");
        group.MapGet("/{id:guid}", Get).WithName("GetStore").ProducesProblem(StatusCodes.Status404NotFound).WithSummary("A store, with its version in ETag.");
        group.MapPost("/", Create).RequireAuthorization(Roles.Policies.Admin).WithName("CreateStore").ProducesProblem(StatusCodes.Status409Conflict)
            .WithSummary("Opens a store; 409 when its code is taken.");
        group.MapPut("/{id:guid}", Update).RequireAuthorization(Roles.Policies.Admin).WithName("UpdateStore")
            .ProducesProblem(StatusCodes.Status404NotFound).ProducesProblem(StatusCodes.Status409Conflict).ProducesProblem(StatusCodes.Status412PreconditionFailed)
            .WithSummary("Replaces the store's fields; send If-Match with the ETag you read to get 412 instead of overwriting a newer change.");
        group.MapGet("/{id:guid}/inventory", Inventory).WithName("GetStoreInventory").ProducesProblem(StatusCodes.Status404NotFound)
            .WithSummary("Current stock of one store.");
        return api;
    }

    internal static async Task<Results<Ok<Page<Store>>, ValidationProblem>> List(
        string? cursor, int? limit, NpgsqlDataSource db, StoreScope scope, CancellationToken ct)
    {
        var v = new Validation();
        var after = Cursor.Decode(cursor, 1);
        Cursor.Validate(v, cursor, after, limit);
        if (!v.IsValid)
        {
            return v.ToProblem();
        }

        var take = limit ?? Cursor.DefaultLimit;
        await using var command = db.CreateCommand($"""
            SELECT {Columns} FROM bazaar.stores
            WHERE archived_at IS NULL AND ($1::text IS NULL OR lower(code) > $1) AND ($3::uuid[] IS NULL OR id = ANY($3))
            ORDER BY lower(code) LIMIT $2
            """);
        command.Parameters.Add(NullableParameter.Text(after?[0]));
        command.Parameters.Add(new NpgsqlParameter { Value = take + 1 });
        command.Parameters.Add(scope.Parameter());
        var stores = new List<Store>();
        await using var reader = await command.ExecuteReaderAsync(ct);
        while (await reader.ReadAsync(ct))
        {
            stores.Add(Read(reader));
        }

        return TypedResults.Ok(Cursor.ToPage(stores, take, last => Cursor.Encode(last.Code.ToLowerInvariant())));
    }

    internal static async Task<Results<Ok<Store>, ProblemHttpResult>> Get(
        Guid id, NpgsqlDataSource db, StoreScope scope, HttpContext http, CancellationToken ct)
    {
        await using var command = db.CreateCommand($"SELECT {Columns} FROM bazaar.stores WHERE {VisibleById}");
        command.Parameters.AddWithValue(id);
        command.Parameters.Add(scope.Parameter());
        await using var reader = await command.ExecuteReaderAsync(ct);
        if (!await reader.ReadAsync(ct))
        {
            return NotFound(id);
        }

        ETags.Set(http.Response, reader.GetString(8));
        return TypedResults.Ok(Read(reader));
    }

    internal static async Task<Results<Created<Store>, ValidationProblem>> Create(
        StoreRequest body, WriteSession session, HttpContext http, CancellationToken ct)
    {
        var v = Validate(body);
        if (!v.IsValid)
        {
            return v.ToProblem();
        }

        await using var command = session.CreateCommand(
            $"INSERT INTO bazaar.stores (id, code, name, timezone, address) VALUES ($1, $2, $3, $4, $5) RETURNING {Columns}");
        command.Parameters.AddWithValue(Guid.CreateVersion7());
        AddFields(command, body);
        try
        {
            await using var reader = await command.ExecuteReaderAsync(ct);
            await reader.ReadAsync(ct);
            ETags.Set(http.Response, reader.GetString(8));
            var store = Read(reader);
            return TypedResults.Created($"/api/stores/{store.Id}", store);
        }
        catch (PostgresException ex) when (ex.SqlState == PostgresErrorCodes.UniqueViolation)
        {
            throw Duplicate(body);
        }
    }

    internal static async Task<Results<Ok<Store>, ProblemHttpResult, ValidationProblem>> Update(
        Guid id, StoreRequest body, WriteSession session, StoreScope scope, HttpContext http, CancellationToken ct)
    {
        var v = Validate(body);
        if (!v.IsValid)
        {
            return v.ToProblem();
        }

        var expected = ETags.Expected(http.Request);
        await using var command = session.CreateCommand($"""
            UPDATE bazaar.stores SET code = $3, name = $4, timezone = $5, address = $6
            WHERE {VisibleById} AND ($7::text IS NULL OR xmin::text = $7)
            RETURNING {Columns}
            """);
        command.Parameters.AddWithValue(id);
        command.Parameters.Add(scope.Parameter());
        AddFields(command, body);
        command.Parameters.Add(NullableParameter.Text(expected));
        try
        {
            await using var reader = await command.ExecuteReaderAsync(ct);
            if (await reader.ReadAsync(ct))
            {
                ETags.Set(http.Response, reader.GetString(8));
                return TypedResults.Ok(Read(reader));
            }
        }
        catch (PostgresException ex) when (ex.SqlState == PostgresErrorCodes.UniqueViolation)
        {
            throw Duplicate(body);
        }

        await using var check = session.CreateQuery($"SELECT 1 FROM bazaar.stores WHERE {VisibleById}");
        check.Parameters.AddWithValue(id);
        check.Parameters.Add(scope.Parameter());
        return await check.ExecuteScalarAsync(ct) is null
            ? NotFound(id)
            : Problems.PreconditionFailed($"Store {id} has changed since that ETag was read; GET it again and reapply your change.");
    }

    internal static async Task<Results<Ok<Page<StockRow>>, ProblemHttpResult, ValidationProblem>> Inventory(
        Guid id, [AsParameters] StockQuery query, StockReader reader, NpgsqlDataSource db, StoreScope scope, TimeProvider clock, CancellationToken ct)
    {
        await using var exists = db.CreateCommand($"SELECT 1 FROM bazaar.stores WHERE {VisibleById}");
        exists.Parameters.AddWithValue(id);
        exists.Parameters.Add(scope.Parameter());
        if (await exists.ExecuteScalarAsync(ct) is null)
        {
            return NotFound(id);
        }

        var scoped = query with { StoreId = id };
        var v = scoped.Validate(clock);
        return v.IsValid ? TypedResults.Ok(await reader.CurrentAsync(scoped, scope, ct)) : v.ToProblem();
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

    /// <summary>The store's fields in column order (code, name, timezone, address).</summary>
    private static void AddFields(WriteCommand command, StoreRequest body)
    {
        command.Parameters.AddWithValue(body.Code!.Trim());
        command.Parameters.AddWithValue(body.Name!.Trim());
        command.Parameters.AddWithValue(body.Timezone ?? "UTC");
        command.Parameters.Add(NullableParameter.Text(body.Address));
    }

    private static DomainException Duplicate(StoreRequest body) =>
        new(StatusCodes.Status409Conflict, ProblemTypes.DuplicateCode, "Store code already in use.",
            $"A store with code '{body.Code}' already exists.");

    private static ProblemHttpResult NotFound(Guid id) => Problems.NotFound("Unknown store.", $"No store {id}.");

    private static Store Read(NpgsqlDataReader r) => new(
        r.GetGuid(0), r.GetString(1), r.GetString(2), r.GetString(3), r.IsDBNull(4) ? null : r.GetString(4),
        r.GetFieldValue<DateTimeOffset>(5), r.GetFieldValue<DateTimeOffset>(6), r.IsDBNull(7) ? null : r.GetFieldValue<DateTimeOffset>(7));
}
