using System.Diagnostics;
using System.Net.Http.Json;
using BazaarCstd.Contracts;
using BazaarCstd.Contracts.Catalog;
using BazaarCstd.Contracts.Operations;
using BazaarCstd.IntegrationTests.Alerts;
using BazaarCstd.IntegrationTests.Infrastructure;
using BazaarCstd.IntegrationTests.Inventory;
using Xunit.Abstractions;
using static BazaarCstd.IntegrationTests.Operations.ImportClient;

namespace BazaarCstd.IntegrationTests.Operations;

/// <summary>
/// CSV imports on the shared app: uploaded as 202 operations, processed by the Worker through the
/// ledger, each line once. Every test makes its own stores and products.
/// </summary>
[Collection(BazaarAppCollection.Name)]
public sealed class ImportTests(BazaarAppFixture fixture, ITestOutputHelper output)
{
    private static readonly TimeSpan Deadline = TimeSpan.FromSeconds(90);

    private readonly InventoryApi _api = new(fixture);
    private readonly ImportClient _imports = new(fixture);
    private readonly StoreAccounts _accounts = new(fixture);

    [Fact]
    public async Task Ten_thousand_movement_rows_with_three_bad_rows_write_9997_movements_and_report_the_three_by_line()
    {
        var store = await _api.NewStoreAsync();
        var shelves = new List<Product>();
        for (var i = 0; i < 20; i++)
        {
            shelves.Add(await _api.NewProductAsync());
        }

        var empty = await _api.NewProductAsync();

        // Pairs of a delivery of 2 and a sale of 1 of the same product (the sale always finds the
        // delivery before it), 20 products in turn: 250 pairs each.
        var rows = Enumerable.Range(0, 10_000).Select(i => i % 2 == 0
            ? $"{store.Code},{shelves[i / 2 % 20].Sku},stock_in,2,,PO-{i},,2026-11-25T08:00:00Z"
            : $"{store.Code},{shelves[i / 2 % 20].Sku},sale,1,,TILL-{i},\"note, with a comma\",").ToList();
        rows[1040] = $"{store.Code},{empty.Sku},sale,2,,,,";                          // line 1042, instead of a delivery of product 0
        rows[4999] = $"{store.Code},NO-SUCH-SKU-{Guid.NewGuid():N},stock_in,1,,,,"; // line 5001, instead of a sale of product 19
        rows[8999] = $"{store.Code},{shelves[19].Sku},sale,lots,,,,";                 // line 9001, a sale of product 19
        using var admin = fixture.CreateApiClient();
        var clock = Stopwatch.StartNew();
        var started = await StartAsync(admin, OperationKinds.Movements, Csv(MovementHeader, rows));
        Assert.Equal(OperationStatuses.Queued, started.Status);
        Assert.Equal(10_000, started.RowsTotal);
        var uploaded = clock.Elapsed;

        var done = await FinishedAsync(admin, started.Id, Deadline);
        var finished = clock.Elapsed;
        Assert.Equal((OperationStatuses.PartiallyFailed, 10_000, 10_000, 3), (done.Status, done.RowsTotal, done.RowsDone, done.RowsFailed));
        Assert.NotNull(done.StartedAt);
        Assert.NotNull(done.FinishedAt);
        Assert.Equal(9_997, await _imports.MovementCountAsync(started.Id));

        var errors = await ErrorsAsync(admin, started.Id);
        Assert.Equal([1042, 5001, 9001], errors.Select(e => e.Line));
        Assert.Equal("insufficient stock, available 0", errors[0].Reason);
        Assert.StartsWith("unknown product NO-SUCH-SKU-", errors[1].Reason, StringComparison.Ordinal);
        Assert.Contains("quantity must be a number greater than 0", errors[2].Reason, StringComparison.Ordinal);

        // +1 per pair; product 0 lost a delivery of 2, product 19 two sales of 1.
        Assert.Equal(248m, await _api.OnHandAsync(store.Id, shelves[0].Id));
        Assert.Equal(252m, await _api.OnHandAsync(store.Id, shelves[19].Id));
        Assert.Equal(250m, await _api.OnHandAsync(store.Id, shelves[7].Id));
        Assert.Equal(0, await _api.InconsistentLevelsAsync());
        await _imports.AlertsCaughtUpAsync(store.Id, Deadline);
        output.WriteLine($"10,000 rows: uploaded in {uploaded.TotalSeconds:0.00} s, finished after {finished.TotalSeconds:0.0} s " +
            $"({10_000 / finished.TotalSeconds:0} rows/s); the alerts consumer had applied their events after {clock.Elapsed.TotalSeconds:0.0} s");
    }

    [Fact]
    public async Task The_same_file_again_with_the_same_key_is_a_replay_and_with_another_key_a_second_import()
    {
        var store = await _api.NewStoreAsync();
        var product = await _api.NewProductAsync();
        var csv = Csv(MovementHeader, Enumerable.Range(0, 200).Select(i => $"{store.Code},{product.Sku},stock_in,1,,,,"));
        using var admin = fixture.CreateApiClient();
        var key = Guid.NewGuid().ToString();

        var first = await StartAsync(admin, OperationKinds.Movements, csv, key);
        await FinishedAsync(admin, first.Id, Deadline);

        using (var again = await PostAsync(admin, OperationKinds.Movements, csv, key))
        {
            Assert.Equal(HttpStatusCode.Accepted, again.StatusCode);
            Assert.Equal("true", again.Headers.GetValues("Idempotent-Replayed").Single());
            Assert.Equal(first.Id, (await again.Content.ReadFromJsonAsync<Operation>())!.Id);
        }

        using (var misuse = await PostAsync(admin, OperationKinds.Movements, csv + $"{store.Code},{product.Sku},stock_in,1,,,,\r\n", key))
        {
            await InventoryApi.AssertProblem(misuse, HttpStatusCode.UnprocessableEntity, "the same key with another file");
        }

        Assert.Equal(200m, await _api.OnHandAsync(store.Id, product.Id));

        var second = await StartAsync(admin, OperationKinds.Movements, csv, Guid.NewGuid().ToString());
        Assert.NotEqual(first.Id, second.Id);
        Assert.Equal(OperationStatuses.Succeeded, (await FinishedAsync(admin, second.Id, Deadline)).Status);
        Assert.Equal(400m, await _api.OnHandAsync(store.Id, product.Id));
        Assert.Equal(200, await _imports.MovementCountAsync(first.Id));
    }

    [Fact]
    public async Task Eight_parallel_uploads_of_one_file_with_one_key_make_one_import()
    {
        var store = await _api.NewStoreAsync();
        var product = await _api.NewProductAsync();
        var csv = Csv(MovementHeader, Enumerable.Range(0, 100).Select(i => $"{store.Code},{product.Sku},stock_in,1,,,,"));
        var key = Guid.NewGuid().ToString();
        using var admin = fixture.CreateApiClient();

        var answers = await Task.WhenAll(Enumerable.Range(0, 8).Select(async _ =>
        {
            using var response = await PostAsync(admin, OperationKinds.Movements, csv, key);
            return (response.StatusCode, (await response.Content.ReadFromJsonAsync<Operation>())!.Id);
        }));

        Assert.All(answers, a => Assert.Equal(HttpStatusCode.Accepted, a.StatusCode));
        var id = Assert.Single(answers.Select(a => a.Id).Distinct());
        await FinishedAsync(admin, id, Deadline);
        Assert.Equal(100m, await _api.OnHandAsync(store.Id, product.Id));
    }

    [Fact]
    public async Task Ten_parallel_uploads_on_the_same_products_all_complete_with_every_row_once()
    {
        var store = await _api.NewStoreAsync();
        var products = new[] { await _api.NewProductAsync(), await _api.NewProductAsync() };
        using var admin = fixture.CreateApiClient();

        // Each file: 50 deliveries of 2 and 50 sales of 1 over two products, each sale after its delivery.
        var csv = Csv(MovementHeader, Enumerable.Range(0, 100).Select(i =>
            $"{store.Code},{products[i / 2 % 2].Sku},{(i % 2 == 0 ? "stock_in,2" : "sale,1")},,,,"));
        var clock = Stopwatch.StartNew();
        var started = await Task.WhenAll(Enumerable.Range(0, 10).Select(_ => StartAsync(admin, OperationKinds.Movements, csv)));
        Assert.Equal(10, started.Select(o => o.Id).Distinct().Count());

        var done = await Task.WhenAll(started.Select(o => FinishedAsync(admin, o.Id, Deadline)));
        var finished = clock.Elapsed;
        Assert.All(done, o => Assert.Equal((OperationStatuses.Succeeded, 100, 0), (o.Status, o.RowsDone, o.RowsFailed)));
        foreach (var product in products)
        {
            Assert.Equal(10 * 25m, await _api.OnHandAsync(store.Id, product.Id));
        }

        Assert.Equal(1_000, (await Task.WhenAll(started.Select(o => _imports.MovementCountAsync(o.Id)))).Sum());
        Assert.Equal(0, await _api.InconsistentLevelsAsync());
        await _imports.AlertsCaughtUpAsync(store.Id, Deadline);
        output.WriteLine($"10 files of 100 rows: all finished after {finished.TotalSeconds:0.0} s; their events applied by the alerts consumer after {clock.Elapsed.TotalSeconds:0.0} s");
    }

    [Fact]
    public async Task A_staff_member_imports_into_their_store_and_the_rows_for_another_store_are_refused()
    {
        var mine = await _api.NewStoreAsync();
        var other = await _api.NewStoreAsync();
        var product = await _api.NewProductAsync();
        await _api.AddStockAsync(other.Id, product.Id, 10);
        using var staff = await _accounts.UserAsync("STAFF", mine.Id);

        var csv = Csv(MovementHeader, [
            $"{mine.Code},{product.Sku},stock_in,5,,,,",
            $"{other.Code},{product.Sku},sale,1,,,,",
            $"{mine.Code},{product.Sku},sale,2,,,,",
            $"{other.Code},{product.Sku},stock_in,1,,,,",
        ]);
        var started = await StartAsync(staff, OperationKinds.Movements, csv);
        var done = await FinishedAsync(staff, started.Id, Deadline);

        Assert.Equal((OperationStatuses.PartiallyFailed, 4, 2), (done.Status, done.RowsDone, done.RowsFailed));
        var errors = await ErrorsAsync(staff, started.Id);
        Assert.Equal([3, 5], errors.Select(e => e.Line));
        Assert.All(errors, e => Assert.Equal($"unknown store {other.Code}, or not one of yours", e.Reason));
        Assert.Equal(3m, await _api.OnHandAsync(mine.Id, product.Id));
        Assert.Equal(10m, await _api.OnHandAsync(other.Id, product.Id));

        // The catalog is for administrators.
        using var products = await PostAsync(staff, OperationKinds.Products, Csv(ProductHeader, ["X-1,Name,Cat,each,1.00,,"]));
        await InventoryApi.AssertProblem(products, HttpStatusCode.Forbidden);
    }

    [Fact]
    public async Task Rows_dated_before_the_uploaders_backdating_window_are_refused_by_line_and_the_rest_apply()
    {
        var store = await _api.NewStoreAsync();
        var product = await _api.NewProductAsync();
        using var staff = await _accounts.UserAsync("STAFF", store.Id);

        // Staff may date a movement up to 7 days back (decisions: "Stock history freeze"); an import is the uploader's writing.
        var csv = Csv(MovementHeader, [
            $"{store.Code},{product.Sku},stock_in,5,,,,{DateTimeOffset.UtcNow.AddDays(-2):O}",
            $"{store.Code},{product.Sku},stock_in,7,,,,{DateTimeOffset.UtcNow.AddDays(-30):O}",
        ]);
        var started = await StartAsync(staff, OperationKinds.Movements, csv);
        var done = await FinishedAsync(staff, started.Id, Deadline);

        Assert.Equal((OperationStatuses.PartiallyFailed, 2, 1), (done.Status, done.RowsDone, done.RowsFailed));
        var error = Assert.Single(await ErrorsAsync(staff, started.Id));
        Assert.Equal(3, error.Line);
        Assert.Contains("further back than your 7-day backdating window", error.Reason, StringComparison.Ordinal);
        Assert.Equal(5m, await _api.OnHandAsync(store.Id, product.Id));
    }

    [Fact]
    public async Task A_bad_header_is_400_naming_the_column_and_stores_nothing()
    {
        var store = await _api.NewStoreAsync();
        using var staff = await _accounts.UserAsync("STAFF", store.Id);

        using var wrong = await PostAsync(staff, OperationKinds.Movements, Csv("storeCode,sku,knd,quantity,reason,reference,note,occurredAt", [$"{store.Code},X,stock_in,1,,,,"]));
        var problem = await InventoryApi.AssertProblem(wrong, HttpStatusCode.BadRequest);
        Assert.Contains("column 3 is 'knd', expected 'kind'", problem.GetProperty("errors").GetProperty("header")[0].GetString(), StringComparison.Ordinal);

        using var missing = await PostAsync(staff, OperationKinds.Movements, Csv("storeCode,sku,kind,quantity,reason,reference,note", []));
        problem = await InventoryApi.AssertProblem(missing, HttpStatusCode.BadRequest);
        Assert.Contains("column 8 'occurredAt' is missing", problem.GetProperty("errors").GetProperty("header")[0].GetString(), StringComparison.Ordinal);

        using var empty = await PostAsync(staff, OperationKinds.Movements, "");
        await InventoryApi.AssertProblem(empty, HttpStatusCode.BadRequest);
        using var unterminated = await PostAsync(staff, OperationKinds.Movements, Csv(MovementHeader, [$"{store.Code},\"X,stock_in,1,,,,"]));
        await InventoryApi.AssertProblem(unterminated, HttpStatusCode.BadRequest);
        using var json = await PostAsync(staff, OperationKinds.Movements, "{}", mediaType: "application/json");
        await InventoryApi.AssertProblem(json, HttpStatusCode.UnsupportedMediaType);
        using var noKind = await PostAsync(staff, "stocktake", Csv(MovementHeader, []));
        await InventoryApi.AssertProblem(noKind, HttpStatusCode.BadRequest);

        var mine = await staff.GetFromJsonAsync<Page<Operation>>("/api/operations");
        Assert.Empty(mine!.Items);
    }

    [Fact]
    public async Task An_atomic_file_with_one_bad_row_writes_nothing_and_lists_the_row()
    {
        var store = await _api.NewStoreAsync();
        var product = await _api.NewProductAsync();
        await _api.AddStockAsync(store.Id, product.Id, 5);
        using var admin = fixture.CreateApiClient();

        var rows = Enumerable.Range(0, 300).Select(i => $"{store.Code},{product.Sku},stock_in,1,,,,").ToList();
        rows[150] = $"{store.Code},{product.Sku},sale,1000,,,,";
        var started = await StartAsync(admin, OperationKinds.Movements, Csv(MovementHeader, rows), atomic: true);
        Assert.True(started.Atomic);
        var done = await FinishedAsync(admin, started.Id, Deadline);

        Assert.Equal((OperationStatuses.Failed, 300, 1), (done.Status, done.RowsDone, done.RowsFailed));
        var error = Assert.Single(await ErrorsAsync(admin, started.Id));
        Assert.Equal(new OperationError(152, "insufficient stock, available 155"), error);
        Assert.Equal(0, await _imports.MovementCountAsync(started.Id));
        Assert.Equal(5m, await _api.OnHandAsync(store.Id, product.Id));

        // The same file without the bad row goes through whole.
        rows.RemoveAt(150);
        var good = await StartAsync(admin, OperationKinds.Movements, Csv(MovementHeader, rows), atomic: true);
        Assert.Equal(OperationStatuses.Succeeded, (await FinishedAsync(admin, good.Id, Deadline)).Status);
        Assert.Equal(304m, await _api.OnHandAsync(store.Id, product.Id));
    }

    [Fact]
    public async Task A_products_import_creates_new_skus_updates_known_ones_and_refuses_bad_rows()
    {
        using var admin = fixture.CreateApiClient();
        var known = await _api.NewProductAsync();
        var prefix = $"IMP-{Guid.NewGuid():N}"[..16];
        var barcode = $"{Random.Shared.NextInt64(1_000_000_000_000, 9_999_999_999_999)}";
        var csv = Csv(ProductHeader, [
            $"{prefix}-1,Olive oil 1 l,Pantry,each,7.90,{barcode},12",
            $"{prefix}-2,\"Flour, type 55\",Pantry,kg,1.25,,2.5",
            $"{known.Sku},Renamed by import,Imported,each,3.10,,4",
            $"{known.Sku.ToLowerInvariant()},Unit change,Imported,kg,3.10,,4",
            $"{prefix}-3,,Pantry,each,1.00,,",
            $"{prefix}-4,Same barcode,Pantry,each,1.00,{barcode},",
        ]);
        var started = await StartAsync(admin, OperationKinds.Products, csv);
        var done = await FinishedAsync(admin, started.Id, Deadline);

        Assert.Equal((OperationStatuses.PartiallyFailed, 6, 3), (done.Status, done.RowsDone, done.RowsFailed));
        var errors = await ErrorsAsync(admin, started.Id);
        Assert.Equal([5, 6, 7], errors.Select(e => e.Line));
        Assert.Contains("is sold in each", errors[0].Reason, StringComparison.Ordinal);
        Assert.Equal("name is required", errors[1].Reason);
        Assert.Equal($"barcode {barcode} belongs to another product", errors[2].Reason);

        var created = (await admin.GetFromJsonAsync<Page<Product>>("/api/products?category=Pantry&limit=500"))!.Items
            .Where(p => p.Sku.StartsWith(prefix, StringComparison.Ordinal)).OrderBy(p => p.Sku).ToList();
        Assert.Equal([$"{prefix}-1", $"{prefix}-2"], created.Select(p => p.Sku));
        Assert.Equal(("Flour, type 55", "kg", 1.25m, 2.5m), (created[1].Name, created[1].Unit, created[1].UnitPrice, created[1].ReorderPoint));
        Assert.Equal(barcode, created[0].Barcode);
        var updated = (await admin.GetFromJsonAsync<Product>($"/api/products/{known.Id}"))!;
        Assert.Equal(("Renamed by import", "Imported", 3.10m, 4m, "each"), (updated.Name, updated.Category, updated.UnitPrice, updated.ReorderPoint, updated.Unit));
    }

    [Fact]
    public async Task Only_the_uploader_and_administrators_see_an_operation()
    {
        var store = await _api.NewStoreAsync();
        var product = await _api.NewProductAsync();
        using var uploader = await _accounts.UserAsync("STAFF", store.Id);
        using var colleague = await _accounts.UserAsync("STORE_MANAGER", store.Id);
        using var admin = fixture.CreateApiClient();

        var started = await StartAsync(uploader, OperationKinds.Movements, Csv(MovementHeader, [$"{store.Code},{product.Sku},sale,1,,,,"]));
        var done = await FinishedAsync(uploader, started.Id, Deadline);
        Assert.Equal(OperationStatuses.Failed, done.Status);
        Assert.Equal("insufficient stock, available 0", Assert.Single(await ErrorsAsync(uploader, started.Id)).Reason);

        var mine = (await uploader.GetFromJsonAsync<Page<Operation>>("/api/operations?limit=5"))!;
        Assert.Equal(started.Id, Assert.Single(mine.Items).Id);
        Assert.Equal(HttpStatusCode.OK, (await admin.GetAsync($"/api/operations/{started.Id}")).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await admin.GetAsync($"/api/operations/{started.Id}/errors")).StatusCode);
        await InventoryApi.AssertProblem(await colleague.GetAsync($"/api/operations/{started.Id}"), HttpStatusCode.NotFound);
        await InventoryApi.AssertProblem(await colleague.GetAsync($"/api/operations/{started.Id}/errors"), HttpStatusCode.NotFound);
        await InventoryApi.AssertProblem(await uploader.GetAsync($"/api/operations/{Guid.NewGuid()}"), HttpStatusCode.NotFound);
        Assert.Empty((await colleague.GetFromJsonAsync<Page<Operation>>("/api/operations"))!.Items);
        await InventoryApi.AssertProblem(await uploader.GetAsync("/api/operations?cursor=nope"), HttpStatusCode.BadRequest);
    }
}
