using BazaarCstd.Api.Auth;
using BazaarCstd.Api.Infrastructure;
using BazaarCstd.Contracts.Stock;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.OpenApi;

namespace BazaarCstd.Api.Stock;

/// <summary>
/// CSV exports of the movement history and of current (or as-of) stock: the JSON endpoints' filters,
/// validation, store scoping, roles and rate limits (one request each, however many rows), every
/// matching row streamed (<see cref="StockExport"/>).
/// </summary>
public static class StockExportEndpoints
{
    public static readonly string[] MovementColumns =
        ["id", "storeId", "productId", "sku", "kind", "quantity", "delta", "reason", "reference", "note", "occurredAt", "recordedAt", "deviceId", "batchId"];

    public static readonly string[] StockColumns =
        ["storeId", "storeCode", "productId", "sku", "name", "unit", "onHand", "reorderPoint", "updatedAt"];

    public static IEndpointRouteBuilder MapStockExports(this IEndpointRouteBuilder api)
    {
        var group = api.MapGroup("/stock").WithTags("Stock").RequireAuthorization(Roles.Policies.Staff);
        group.MapGet("/movements.csv", ExportMovements).WithName("ExportMovements").DescribeCsv(MovementColumns)
            .WithSummary("The movement history as CSV: the filters of GET /api/stock/movements, every matching row (newest first), streamed.");
        group.MapGet("/current.csv", ExportCurrent).WithName("ExportCurrentStock").DescribeCsv(StockColumns)
            .WithSummary("Current stock (or as of asOf) as CSV: the filters of GET /api/stock/current, every matching row, streamed.");
        return api;
    }

    /// <summary>
    /// The 200 answer is <c>text/csv</c> with these columns. It has no JSON schema (it is not JSON);
    /// the columns are in the description and the example.
    /// </summary>
    private static RouteHandlerBuilder DescribeCsv(this RouteHandlerBuilder endpoint, string[] columns) => endpoint
        .ProducesValidationProblem()
        .AddOpenApiOperationTransformer((operation, _, _) =>
        {
            operation.Responses ??= [];
            operation.Responses["200"] = new OpenApiResponse
            {
                Description = $"RFC 4180 CSV, UTF-8, CRLF, a header line then one line per row: {string.Join(", ", columns)}. " +
                    "Numbers with a point, instants ISO 8601 UTC; typed text starting with = + - @ is prefixed with ' (CSV injection). " +
                    "Content-Disposition names the file.",
                Content = new Dictionary<string, OpenApiMediaType>
                {
                    ["text/csv"] = new OpenApiMediaType { Example = System.Text.Json.Nodes.JsonValue.Create(string.Join(',', columns) + "\r\n") },
                },
            };
            return Task.CompletedTask;
        });

    internal static Results<PushStreamHttpResult, ValidationProblem> ExportMovements(
        [AsParameters] MovementExportQuery query, StockReader reader, StoreScope scope, HttpContext http)
    {
        var v = query.Page(null).Validate();
        if (!v.IsValid)
        {
            return v.ToProblem();
        }

        var ct = http.RequestAborted;
        return TypedResults.Stream(body => StockExport.WriteAsync(body, MovementColumns,
            cursor => reader.MovementsAsync(query.Page(cursor), scope, ct),
            (Movement m) =>
            [
                m.Id.ToString(System.Globalization.CultureInfo.InvariantCulture), m.StoreId.ToString(), m.ProductId.ToString(), StockExport.Text(m.Sku),
                m.Kind, StockExport.Number(m.Quantity), StockExport.Number(m.Delta), StockExport.Text(m.Reason), StockExport.Text(m.Reference),
                StockExport.Text(m.Note), StockExport.Instant(m.OccurredAt), StockExport.Instant(m.RecordedAt), StockExport.Text(m.DeviceId), m.BatchId.ToString(),
            ], ct), StockExport.ContentType, "movements.csv");
    }

    internal static Results<PushStreamHttpResult, ValidationProblem> ExportCurrent(
        [AsParameters] StockExportQuery query, StockReader reader, StoreScope scope, TimeProvider clock, HttpContext http)
    {
        var v = query.Page(null).Validate(clock);
        if (!v.IsValid)
        {
            return v.ToProblem();
        }

        var ct = http.RequestAborted;
        return TypedResults.Stream(body => StockExport.WriteAsync(body, StockColumns,
            cursor => reader.CurrentAsync(query.Page(cursor), scope, ct),
            (StockRow r) =>
            [
                r.StoreId.ToString(), StockExport.Text(r.StoreCode), r.ProductId.ToString(), StockExport.Text(r.Sku), StockExport.Text(r.Name),
                StockExport.Text(r.Unit), StockExport.Number(r.OnHand), StockExport.Number(r.ReorderPoint), StockExport.Instant(r.UpdatedAt),
            ], ct), StockExport.ContentType, query.AsOf is null ? "stock.csv" : "stock-as-of.csv");
    }
}
