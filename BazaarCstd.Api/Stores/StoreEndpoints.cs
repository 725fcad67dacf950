using BazaarCstd.Api.Infrastructure;
using BazaarCstd.Api.Stock;
using BazaarCstd.Contracts;
using BazaarCstd.Contracts.Stock;
using BazaarCstd.Contracts.Stores;
using Microsoft.AspNetCore.Http.HttpResults;
using Npgsql;

namespace BazaarCstd.Api.Stores;

public static class StoreEndpoints
{
    private const string Columns = "id, code, name, timezone, address, created_at, updated_at, archived_at";

    public static IEndpointRouteBuilder MapStores(this IEndpointRouteBuilder app)
    {
        var group = app.MapGroup("/api/stores").WithTags("Stores");
        group.MapGet("/", List).WithName("ListStores");
        group.MapPost("/", Create).WithName("CreateStore");
        group.MapGet("/{id:guid}/inventory", Inventory).WithName("GetStoreInventory");
        return app;
    }

    internal static async Task<Results<Ok<Page<Store>>, ValidationProblem>> List(
        string? cursor, int? limit, NpgsqlDataSource db, CancellationToken ct)
    {
        var v = new Validation();
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
        await using var command = db.CreateCommand(
            $"SELECT {Columns} FROM bazaar.stores WHERE archived_at IS NULL AND ($1::text IS NULL OR lower(code) > $1) ORDER BY lower(code) LIMIT $2");
        command.Parameters.Add(new NpgsqlParameter { Value = (object?)after?[0] ?? DBNull.Value, NpgsqlDbType = NpgsqlTypes.NpgsqlDbType.Text });
        command.Parameters.Add(new NpgsqlParameter { Value = take + 1 });
        var stores = new List<Store>();
        await using var reader = await command.ExecuteReaderAsync(ct);
        while (await reader.ReadAsync(ct))
        {
            stores.Add(Read(reader));
        }

        string? next = null;
        if (stores.Count > take)
        {
            stores.RemoveAt(take);
            next = Cursor.Encode(stores[^1].Code.ToLowerInvariant());
        }

        return TypedResults.Ok(new Page<Store>(stores, next));
    }

    internal static async Task<Results<Created<Store>, ValidationProblem>> Create(StoreRequest body, NpgsqlDataSource db, CancellationToken ct)
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

        if (!v.IsValid)
        {
            return v.ToProblem();
        }

        await using var command = db.CreateCommand(
            $"INSERT INTO bazaar.stores (id, code, name, timezone, address) VALUES ($1, $2, $3, $4, $5) RETURNING {Columns}");
        command.Parameters.AddWithValue(Guid.CreateVersion7());
        command.Parameters.AddWithValue(body.Code!.Trim());
        command.Parameters.AddWithValue(body.Name!.Trim());
        command.Parameters.AddWithValue(body.Timezone ?? "UTC");
        command.Parameters.Add(new NpgsqlParameter { Value = (object?)body.Address ?? DBNull.Value, NpgsqlDbType = NpgsqlTypes.NpgsqlDbType.Text });
        try
        {
            await using var reader = await command.ExecuteReaderAsync(ct);
            await reader.ReadAsync(ct);
            var store = Read(reader);
            return TypedResults.Created($"/api/stores/{store.Id}", store);
        }
        catch (PostgresException ex) when (ex.SqlState == PostgresErrorCodes.UniqueViolation)
        {
            throw new DomainException(StatusCodes.Status409Conflict, ProblemTypes.DuplicateCode, "Store code already in use.",
                $"A store with code '{body.Code}' already exists.");
        }
    }

    internal static async Task<Results<Ok<Page<StockRow>>, NotFound<Microsoft.AspNetCore.Mvc.ProblemDetails>, ValidationProblem>> Inventory(
        Guid id, [AsParameters] StockQuery query, StockReader reader, NpgsqlDataSource db, TimeProvider clock, CancellationToken ct)
    {
        await using var exists = db.CreateCommand("SELECT 1 FROM bazaar.stores WHERE id = $1");
        exists.Parameters.AddWithValue(id);
        if (await exists.ExecuteScalarAsync(ct) is null)
        {
            return TypedResults.NotFound(new Microsoft.AspNetCore.Mvc.ProblemDetails
            {
                Status = StatusCodes.Status404NotFound,
                Type = ProblemTypes.NotFound,
                Title = "Unknown store.",
                Detail = $"No store {id}.",
            });
        }

        var scoped = query with { StoreId = id };
        var v = scoped.Validate(clock);
        return v.IsValid ? TypedResults.Ok(await reader.CurrentAsync(scoped, ct)) : v.ToProblem();
    }

    private static Store Read(NpgsqlDataReader r) => new(
        r.GetGuid(0), r.GetString(1), r.GetString(2), r.GetString(3), r.IsDBNull(4) ? null : r.GetString(4),
        r.GetFieldValue<DateTimeOffset>(5), r.GetFieldValue<DateTimeOffset>(6), r.IsDBNull(7) ? null : r.GetFieldValue<DateTimeOffset>(7));
}
