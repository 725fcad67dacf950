using BazaarCstd.Api.Auth;
using BazaarCstd.Api.Infrastructure;
using BazaarCstd.Contracts.Settings;
using Microsoft.AspNetCore.Http.HttpResults;
using Npgsql;

namespace BazaarCstd.Api.Settings;

/// <summary>
/// Chain-wide settings (<c>bazaar.settings</c>). The stock history freeze: no movement with an
/// <c>occurredAt</c> on or before it is accepted, whoever sends it and however (API, CSV import); the
/// ledger function enforces it (<c>record_movements</c>, problem <c>stock-history-frozen</c>).
/// Every change is audited (table <c>settings</c>). Read from the primary: a till that was just
/// refused must be able to read the date that refused it.
/// </summary>
public static class SettingsEndpoints
{
    private const string GetSql = """
        SELECT (value #>> '{}')::timestamptz AS frozen_until, updated_at FROM bazaar.settings WHERE key = 'stock_frozen_until'
        """;

    private const string PutSql = "SELECT frozen_until, updated_at FROM bazaar.set_stock_frozen_until($1)";

    public static IEndpointRouteBuilder MapSettings(this IEndpointRouteBuilder api)
    {
        var group = api.MapGroup("/settings").WithTags("Settings").RequireAuthorization(Roles.Policies.Staff);
        group.MapGet("/stock-frozen-until", GetStockFreeze).WithName("GetStockFreeze")
            .WithSummary("The stock history freeze: movements with an occurredAt on or before frozenUntil are refused (null: nothing is frozen).");
        group.MapPut("/stock-frozen-until", SetStockFreeze).RequireAuthorization(Roles.Policies.Admin).WithName("SetStockFreeze")
            .WithSummary("Freezes stock history up to frozenUntil (not in the future), or lifts the freeze with null. Admins; audited.");
        return api;
    }

    internal static async Task<Ok<StockFreeze>> GetStockFreeze(NpgsqlDataSource database, CancellationToken ct)
    {
        await using var command = database.CreateCommand(GetSql);
        return TypedResults.Ok(await ReadAsync(command.ExecuteReaderAsync(ct), ct));
    }

    internal static async Task<Results<Ok<StockFreeze>, ValidationProblem>> SetStockFreeze(
        StockFreezeRequest body, WriteSession session, TimeProvider clock, CancellationToken ct)
    {
        if (body.FrozenUntil > clock.GetUtcNow())
        {
            return new Validation().Add("frozenUntil", "must not be in the future: a freeze would refuse today's sales.").ToProblem();
        }

        await using var command = session.CreateCommand(PutSql);
        command.Parameters.Add(NullableParameter.Timestamp(body.FrozenUntil));
        return TypedResults.Ok(await ReadAsync(command.ExecuteReaderAsync(ct), ct));
    }

    private static async Task<StockFreeze> ReadAsync(Task<NpgsqlDataReader> execute, CancellationToken ct)
    {
        await using var reader = await execute;
        await reader.ReadAsync(ct);
        return new StockFreeze(reader.Column<DateTimeOffset?>("frozen_until"), reader.Column<DateTimeOffset>("updated_at"));
    }
}
