using System.Globalization;
using System.Net.Http.Json;
using BazaarCstd.Contracts;
using BazaarCstd.Contracts.Stock;
using BazaarCstd.IntegrationTests.Alerts;
using BazaarCstd.IntegrationTests.Infrastructure;
using BazaarCstd.IntegrationTests.Inventory;

namespace BazaarCstd.IntegrationTests.Exports;

/// <summary>
/// <c>GET /api/stock/movements.csv</c> and <c>GET /api/stock/current.csv</c>: the same rows as the
/// JSON endpoints with the same filters (across their page boundary), the same validation and the
/// same store scoping.
/// </summary>
[Collection(BazaarAppCollection.Name)]
public sealed class StockExportTests(BazaarAppFixture fixture)
{
    private readonly InventoryApi _api = new(fixture);

    [Fact]
    public async Task The_movements_export_has_the_json_endpoints_rows_in_its_order_across_pages_and_filters()
    {
        var store = await _api.NewStoreAsync();
        var product = await _api.NewProductAsync(unit: "kg"); // fractional quantities too
        var other = await _api.NewProductAsync(unit: "kg");
        await _api.AddStockAsync(store.Id, product.Id, 1000);
        await _api.AddStockAsync(store.Id, other.Id, 1000);

        // 520 movements in six batches (more than one 500-row page), then text that CSV must quote or defuse.
        for (var batch = 0; batch < 6; batch++)
        {
            var lines = Enumerable.Range(0, batch < 5 ? 100 : 20)
                .Select(i => new BatchLine(i % 2 == 0 ? MovementKinds.StockIn : MovementKinds.Sale, store.Id, i % 3 == 0 ? other.Id : product.Id, null,
                    i % 2 == 0 ? 3.5m : 1m, Reference: $"PO-{batch}", DeviceId: "till-7"))
                .ToList();
            using var response = await _api.Http.PostAsJsonAsync("/api/stock/batch", new BatchRequest(lines));
            Assert.True(response.StatusCode == HttpStatusCode.Created, await response.Content.ReadAsStringAsync());
        }

        using (var noted = await _api.Http.PostAsJsonAsync("/api/stock/remove",
            new MovementRequest(store.Id, product.Id, null, 1m, "other", "=HYPERLINK(\"x\")", "dented, \"badly\"\r\nsecond line")))
        {
            Assert.Equal(HttpStatusCode.Created, noted.StatusCode);
        }

        var all = await CompareMovementsAsync($"storeId={store.Id}");
        Assert.Equal(523, all);
        Assert.Equal(50, await CompareMovementsAsync($"storeId={store.Id}&kind=sale&reference=PO-1"));
        Assert.Equal(90, await CompareMovementsAsync($"storeId={store.Id}&productId={other.Id}&kind=stock_in&from={Uri.EscapeDataString(DateTimeOffset.UtcNow.AddHours(-1).ToString("O"))}"));

        // The typed note survives quoting; a formula is shown as text, not run.
        var rows = Csv.Parse(await _api.Http.GetStringAsync($"/api/stock/movements.csv?storeId={store.Id}&kind=removal"));
        Assert.Equal("dented, \"badly\"\r\nsecond line", rows[1][Column("note")]);
        Assert.Equal("'=HYPERLINK(\"x\")", rows[1][Column("reference")]);
    }

    [Fact]
    public async Task The_stock_export_has_the_json_endpoints_rows_now_and_as_of_an_earlier_instant()
    {
        var store = await _api.NewStoreAsync();
        var products = new List<Guid>();
        for (var i = 0; i < 3; i++)
        {
            var product = await _api.NewProductAsync(reorderPoint: 6);
            products.Add(product.Id);
            await _api.AddStockAsync(store.Id, product.Id, 2 + (i * 4), occurredAt: DateTimeOffset.UtcNow.AddHours(-2));
        }

        await _api.AddStockAsync(store.Id, products[0], 10);
        var earlier = Uri.EscapeDataString(DateTimeOffset.UtcNow.AddHours(-1).ToString("O"));

        var counts = new List<int>();
        foreach (var query in new[] { $"storeId={store.Id}", $"storeId={store.Id}&lowStock=true", $"storeId={store.Id}&asOf={earlier}" })
        {
            var json = await _api.Http.GetFromJsonAsync<Page<StockRow>>($"/api/stock/current?{query}&limit=500");
            using var response = await _api.Http.GetAsync($"/api/stock/current.csv?{query}");
            Assert.Equal("text/csv", response.Content.Headers.ContentType?.MediaType);
            var csv = Csv.Parse(await response.Content.ReadAsStringAsync());
            Assert.Equal(["storeId", "storeCode", "productId", "sku", "name", "unit", "onHand", "reorderPoint", "updatedAt"], csv[0]);
            Assert.Equal(json!.Items.Select(r => $"{r.StoreId}|{r.StoreCode}|{r.ProductId}|{r.Sku}|{r.Name}|{r.Unit}|{N(r.OnHand)}|{N(r.ReorderPoint)}|{r.UpdatedAt?.UtcTicks / 10}"),
                csv.Skip(1).Select(c => $"{c[0]}|{c[1]}|{c[2]}|{c[3]}|{c[4]}|{c[5]}|{c[6]}|{c[7]}|{(c[8].Length == 0 ? "" : DateTimeOffset.Parse(c[8], CultureInfo.InvariantCulture).UtcTicks / 10)}"));
            counts.Add(csv.Count - 1);
        }

        // Now 12, 6 and 10 on hand (6 is at its reorder point); an hour ago 2, 6 and 10.
        Assert.Equal([3, 1, 3], counts);
    }

    [Fact]
    public async Task The_exports_are_store_scoped_and_validated_like_the_json_endpoints()
    {
        var mine = await _api.NewStoreAsync();
        var theirs = await _api.NewStoreAsync();
        var product = await _api.NewProductAsync();
        await _api.AddStockAsync(mine.Id, product.Id, 4);
        await _api.AddStockAsync(theirs.Id, product.Id, 9);
        using var staff = await new StoreAccounts(fixture).UserAsync("STAFF", mine.Id);

        // Without a store filter: only the caller's store. Naming another store: nothing (as the JSON lists).
        var movements = Csv.Parse(await staff.GetStringAsync($"/api/stock/movements.csv?productId={product.Id}"));
        Assert.Equal([mine.Id.ToString()], movements.Skip(1).Select(r => r[1]).ToArray());
        Assert.Single(Csv.Parse(await staff.GetStringAsync($"/api/stock/movements.csv?storeId={theirs.Id}")));
        var stock = Csv.Parse(await staff.GetStringAsync($"/api/stock/current.csv?productId={product.Id}"));
        Assert.Equal([(mine.Code, "4")], stock.Skip(1).Select(r => (r[1], r[6])).ToArray());
        Assert.Single(Csv.Parse(await staff.GetStringAsync($"/api/stock/current.csv?storeId={theirs.Id}")));

        await InventoryApi.AssertProblem(await staff.GetAsync("/api/stock/movements.csv?kind=gift"), HttpStatusCode.BadRequest);
        await InventoryApi.AssertProblem(await staff.GetAsync("/api/stock/movements.csv?from=2026-02-01T00:00:00Z&to=2026-01-01T00:00:00Z"), HttpStatusCode.BadRequest);
        await InventoryApi.AssertProblem(await staff.GetAsync($"/api/stock/current.csv?asOf={Uri.EscapeDataString(DateTimeOffset.UtcNow.AddDays(1).ToString("O"))}"), HttpStatusCode.BadRequest);
        using var anonymous = fixture.Accounts.Anonymous();
        Assert.Equal(HttpStatusCode.Unauthorized, (await anonymous.GetAsync("/api/stock/movements.csv")).StatusCode);
    }

    /// <summary>How the CSV writes a quantity: no trailing zeros.</summary>
    private static string N(decimal value) => value.ToString("0.###", CultureInfo.InvariantCulture);

    private static int Column(string name) => Array.IndexOf(MovementColumns, name);

    private static readonly string[] MovementColumns =
        ["id", "storeId", "productId", "sku", "kind", "quantity", "delta", "reason", "reference", "note", "occurredAt", "recordedAt", "deviceId", "batchId"];

    /// <summary>Reads every JSON page and the CSV of the same query; asserts they hold the same rows in the same order; returns how many.</summary>
    private async Task<int> CompareMovementsAsync(string query)
    {
        var json = new List<Movement>();
        string? cursor = null;
        do
        {
            var page = await _api.Http.GetFromJsonAsync<Page<Movement>>($"/api/stock/movements?{query}&limit=500" + (cursor is null ? "" : $"&cursor={cursor}"));
            json.AddRange(page!.Items);
            cursor = page.NextCursor;
        }
        while (cursor is not null);

        using var response = await _api.Http.GetAsync($"/api/stock/movements.csv?{query}", HttpCompletionOption.ResponseHeadersRead);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("text/csv", response.Content.Headers.ContentType?.MediaType);
        Assert.Equal("movements.csv", response.Content.Headers.ContentDisposition?.FileNameStar ?? response.Content.Headers.ContentDisposition?.FileName);
        Assert.True(response.Headers.TransferEncodingChunked, "the export should be streamed (chunked), not built first and sent with a length");
        var csv = Csv.Parse(await response.Content.ReadAsStringAsync());
        Assert.Equal(MovementColumns, csv[0]);

        static string? Plain(string? text) => text is { Length: > 0 } && text[0] == '=' ? "'" + text : text;
        Assert.Equal(
            json.Select(m => string.Join('|', m.Id, m.StoreId, m.ProductId, m.Sku, m.Kind, N(m.Quantity), N(m.Delta),
                m.Reason ?? "", Plain(m.Reference) ?? "", m.Note ?? "", m.OccurredAt.UtcTicks / 10, m.RecordedAt.UtcTicks / 10, m.DeviceId ?? "", m.BatchId)),
            csv.Skip(1).Select(c => string.Join('|', c[0], c[1], c[2], c[3], c[4], c[5], c[6], c[7], c[8], c[9],
                DateTimeOffset.Parse(c[10], CultureInfo.InvariantCulture).UtcTicks / 10, DateTimeOffset.Parse(c[11], CultureInfo.InvariantCulture).UtcTicks / 10, c[12], c[13])));
        return json.Count;
    }
}
