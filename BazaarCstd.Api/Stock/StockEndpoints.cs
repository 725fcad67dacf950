using BazaarCstd.Api.Auth;
using BazaarCstd.Api.Infrastructure;
using BazaarCstd.Api.Infrastructure.Idempotency;
using BazaarCstd.Contracts;
using BazaarCstd.Contracts.Stock;
using BazaarCstd.Data.Ledger;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;

namespace BazaarCstd.Api.Stock;

public static class StockEndpoints
{
    public static IEndpointRouteBuilder MapStock(this IEndpointRouteBuilder api)
    {
        var group = api.MapGroup("/stock").WithTags("Stock").RequireAuthorization(Roles.Policies.Staff);

        group.MapPost("/add", (MovementRequest body, StockLedger ledger, TimeProvider clock, HttpContext http, CancellationToken ct) =>
                RecordSingle(MovementKinds.StockIn, body, ledger, clock, http, ct))
            .WithName("AddStock").ProducesStockProblems().WithSummary("Record a stock-in (delivery, return to shelf).");
        group.MapPost("/sale", (MovementRequest body, StockLedger ledger, TimeProvider clock, HttpContext http, CancellationToken ct) =>
                RecordSingle(MovementKinds.Sale, body, ledger, clock, http, ct))
            .WithName("RecordSale").ProducesStockProblems().WithSummary("Record a sale; 409 insufficient-stock when on-hand is short.");
        group.MapPost("/remove", (MovementRequest body, StockLedger ledger, TimeProvider clock, HttpContext http, CancellationToken ct) =>
                RecordSingle(MovementKinds.Removal, body, ledger, clock, http, ct))
            .WithName("RemoveStock").ProducesStockProblems().WithSummary("Record a removal with a reason code (damaged, expired, theft, lost, returned_to_supplier, other).");
        group.MapPost("/batch", RecordBatch).WithBodyLimit(256 * 1024)
            .WithName("RecordBatch").ProducesStockProblems().WithSummary("Record up to 100 movements all together or not at all.");
        group.MapPost("/transfer", RecordTransfer).WithBodyLimit(64 * 1024).RequireAuthorization(Roles.Policies.Manager)
            .WithName("TransferStock").ProducesStockProblems().WithSummary("Move stock between stores as one document.");
        group.MapPost("/count", RecordCount).RequireAuthorization(Roles.Policies.Manager)
            .WithName("CountStock").ProducesStockProblems().WithSummary("Set on-hand from a physical count (optionally compare-and-set).");
        group.MapGet("/current", GetCurrent)
            .WithName("GetCurrentStock").CacheableFor(CacheLifetimes.Live).WithSummary("Current stock, or stock as of a past instant (asOf).");
        group.MapGet("/movements", GetMovements)
            .WithName("GetMovements").CacheableFor(CacheLifetimes.Live).WithSummary("Movement history, newest first.");
        group.MapGet("/movements/{id:long}", GetMovement)
            .WithName("GetMovement").CacheableFor(CacheLifetimes.Immutable).ProducesProblem(StatusCodes.Status404NotFound).WithSummary("One movement (the Location of a recorded movement).");

        return api;
    }

    /// <summary>Unknown product or store (404), refused by stock rules or a concurrent retry (409), a reused Idempotency-Key (422).</summary>
    private static RouteHandlerBuilder ProducesStockProblems(this RouteHandlerBuilder endpoint) => endpoint
        .ProducesProblem(StatusCodes.Status404NotFound)
        .ProducesProblem(StatusCodes.Status409Conflict)
        .ProducesProblem(StatusCodes.Status422UnprocessableEntity);

    private static string? IdempotencyKey(HttpContext http) =>
        http.Request.Headers.TryGetValue(IdempotencyFilter.HeaderName, out var key) ? key.ToString() : null;

    internal static async Task<Results<Created<MovementResult>, ValidationProblem>> RecordSingle(
        string kind, MovementRequest body, StockLedger ledger, TimeProvider clock, HttpContext http, CancellationToken ct)
    {
        var v = new Validation();
        LedgerLines.Validate(v, "", kind, body, clock);
        if (!v.IsValid)
        {
            return v.ToProblem();
        }

        var (_, lines) = await ledger.RecordAsync([LedgerLines.ToLine(kind, body)], IdempotencyKey(http), ct);
        var line = lines.Single();
        return TypedResults.Created($"/api/stock/movements/{line.Movement!.Id}", new MovementResult(line.Movement!, line.Level));
    }

    internal static async Task<Results<Created<DocumentResult>, ValidationProblem>> RecordBatch(
        BatchRequest body, StockLedger ledger, TimeProvider clock, HttpContext http, CancellationToken ct)
    {
        var v = new Validation();
        var lines = body.Lines ?? [];
        if (lines.Count is 0 or > LedgerLines.MaxLines)
        {
            v.Add("lines", $"must hold between 1 and {LedgerLines.MaxLines} lines.");
        }

        var ledgerLines = new List<LedgerLine>();
        for (var i = 0; i < lines.Count && i < LedgerLines.MaxLines; i++)
        {
            var line = lines[i];
            var prefix = $"lines[{i}].";
            if (line.Kind is null || !MovementKinds.Batchable.Contains(line.Kind))
            {
                v.Add(prefix + "kind", "must be stock_in, sale or removal.");
                continue;
            }

            var request = LedgerLines.FromBatchLine(line);
            LedgerLines.Validate(v, prefix, line.Kind, request, clock);
            ledgerLines.Add(LedgerLines.ToLine(line.Kind, request));
        }

        if (!v.IsValid)
        {
            return v.ToProblem();
        }

        var (batchId, recorded) = await ledger.RecordAsync(ledgerLines, IdempotencyKey(http), ct);
        return TypedResults.Created($"/api/stock/movements?batchId={batchId}", ToDocument(batchId, recorded));
    }

    internal static async Task<Results<Created<DocumentResult>, ValidationProblem>> RecordTransfer(
        TransferRequest body, StockLedger ledger, HttpContext http, CancellationToken ct)
    {
        var v = new Validation()
            .Required("fromStoreId", body.FromStoreId)
            .Required("toStoreId", body.ToStoreId)
            .Optional("reference", body.Reference, Validation.MaxTextLength)
            .Optional("note", body.Note, Validation.MaxTextLength);
        if (body.FromStoreId is { } from && from == body.ToStoreId)
        {
            v.Add("toStoreId", "must differ from fromStoreId.");
        }

        var lines = body.Lines ?? [];
        if (lines.Count is 0 or > LedgerLines.MaxLines / 2)
        {
            v.Add("lines", $"must hold between 1 and {LedgerLines.MaxLines / 2} lines.");
        }

        var ledgerLines = new List<LedgerLine>();
        for (var i = 0; i < lines.Count && i < LedgerLines.MaxLines / 2; i++)
        {
            var line = lines[i];
            v.Product($"lines[{i}].", line.ProductId, line.Sku).Quantity($"lines[{i}].quantity", line.Quantity);
            var outLine = new MovementRequest(body.FromStoreId, line.ProductId, line.Sku, line.Quantity, null, body.Reference, body.Note);
            ledgerLines.Add(LedgerLines.ToLine(MovementKinds.TransferOut, outLine));
            ledgerLines.Add(LedgerLines.ToLine(MovementKinds.TransferIn, outLine with { StoreId = body.ToStoreId }));
        }

        if (!v.IsValid)
        {
            return v.ToProblem();
        }

        var (batchId, recorded) = await ledger.RecordAsync(ledgerLines, IdempotencyKey(http), ct);
        return TypedResults.Created($"/api/stock/movements?batchId={batchId}", ToDocument(batchId, recorded));
    }

    internal static async Task<Results<Created<CountResult>, Ok<CountResult>, ValidationProblem>> RecordCount(
        CountRequest body, StockLedger ledger, TimeProvider clock, HttpContext http, CancellationToken ct)
    {
        var v = new Validation()
            .Required("storeId", body.StoreId)
            .Product("", body.ProductId, body.Sku)
            .Quantity("countedQuantity", body.CountedQuantity, allowZero: true)
            .Optional("note", body.Note, Validation.MaxTextLength)
            .OccurredAt("occurredAt", body.OccurredAt, clock);
        if (body.ExpectedOnHand is not null)
        {
            v.Quantity("expectedOnHand", body.ExpectedOnHand, allowZero: true);
        }

        if (!v.IsValid)
        {
            return v.ToProblem();
        }

        var line = LedgerLine.Count(body.StoreId, body.ProductId, body.Sku, body.CountedQuantity, body.ExpectedOnHand, body.Note, body.OccurredAt);
        var (_, recorded) = await ledger.RecordAsync([line], IdempotencyKey(http), ct);
        var result = recorded.Single();
        var count = new CountResult(result.Movement, result.Movement?.Delta ?? 0, result.Level);
        return result.Movement is null
            ? TypedResults.Ok(count)
            : TypedResults.Created($"/api/stock/movements/{result.Movement.Id}", count);
    }

    internal static async Task<Results<Ok<Page<StockRow>>, ValidationProblem>> GetCurrent(
        [AsParameters] StockQuery query, StockPageCache pages, StoreScope scope, TimeProvider clock, CancellationToken ct)
    {
        var v = query.Validate(clock);
        return v.IsValid ? TypedResults.Ok(await pages.CurrentAsync(query, scope, ct)) : v.ToProblem();
    }

    internal static async Task<Results<Ok<Page<Movement>>, ValidationProblem>> GetMovements(
        [AsParameters] MovementQuery query, StockReader reader, StoreScope scope, CancellationToken ct)
    {
        var v = query.Validate();
        return v.IsValid ? TypedResults.Ok(await reader.MovementsAsync(query, scope, ct)) : v.ToProblem();
    }

    internal static async Task<Results<Ok<Movement>, ProblemHttpResult>> GetMovement(
        long id, StockReader reader, StoreScope scope, CancellationToken ct) =>
        await reader.MovementAsync(id, scope, ct) is { } movement
            ? TypedResults.Ok(movement)
            : Problems.NotFound("Unknown movement.", $"No movement {id}.");

    private static DocumentResult ToDocument(Guid batchId, IReadOnlyList<StockLedger.RecordedLine> lines) =>
        new(batchId,
            [.. lines.Select(l => l.Movement!)],
            [.. lines.GroupBy(l => (l.Level.StoreId, l.Level.ProductId)).Select(g => g.MaxBy(l => l.Level.Version)!.Level)]);
}
