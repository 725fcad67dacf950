using System.Net.Http.Json;
using System.Text.Json;
using BazaarCstd.Contracts;
using BazaarCstd.Contracts.Audit;
using BazaarCstd.Contracts.Settings;
using BazaarCstd.Contracts.Stock;
using BazaarCstd.IntegrationTests.Alerts;
using BazaarCstd.IntegrationTests.Infrastructure;

namespace BazaarCstd.IntegrationTests.Inventory;

/// <summary>
/// Stock history cannot be rewritten: nothing on or before the freeze date, nothing further back
/// than the caller's role may backdate, no count dated before the shelf's last count. The freeze is
/// chain-wide on the shared app, so the freeze tests date everything in 2003 (no other test writes
/// there; movements are partitioned by recorded_at, so old occurredAt values need no partition) and
/// lift the freeze in a finally.
/// </summary>
[Collection(BazaarAppCollection.Name)]
public sealed class HistoryFreezeTests(BazaarAppFixture fixture)
{
    private const string FreezePath = "/api/settings/stock-frozen-until";
    private static readonly DateTimeOffset s_frozenUntil = new(2003, 6, 30, 12, 0, 0, TimeSpan.Zero);

    private readonly InventoryApi _api = new(fixture);
    private readonly StoreAccounts _accounts = new(fixture);

    [Fact]
    public async Task Movements_on_or_before_the_freeze_are_refused_naming_the_date_and_lifting_it_lets_them_in()
    {
        var store = await _api.NewStoreAsync();
        var product = await _api.NewProductAsync();
        using var staff = await _accounts.UserAsync("STAFF", store.Id);
        try
        {
            await _api.AddStockAsync(store.Id, product.Id, 10, s_frozenUntil.AddDays(-10));
            var set = await SetFreezeAsync(s_frozenUntil);
            Assert.Equal(s_frozenUntil, set.FrozenUntil);
            Assert.Equal(s_frozenUntil, (await staff.GetFromJsonAsync<StockFreeze>(FreezePath))!.FrozenUntil);

            // On the date: refused, the date named; a batch with one frozen line writes nothing.
            using var onIt = await _api.Http.PostAsJsonAsync("/api/stock/add", new MovementRequest(store.Id, product.Id, null, 1, OccurredAt: s_frozenUntil));
            var problem = await InventoryApi.AssertProblem(onIt, HttpStatusCode.Conflict);
            Assert.Equal("https://bazaar.example/problems/stock-history-frozen", problem.GetProperty("type").GetString());
            Assert.Contains("2003-06-30T12:00:00Z", problem.GetProperty("detail").GetString(), StringComparison.Ordinal);
            Assert.Equal("2003-06-30T12:00:00Z", problem.GetProperty("frozenUntil").GetString());
            using var batch = await _api.Http.PostAsJsonAsync("/api/stock/batch", new BatchRequest([
                new BatchLine("stock_in", store.Id, product.Id, null, 5, OccurredAt: s_frozenUntil.AddDays(1)),
                new BatchLine("sale", store.Id, product.Id, null, 1, OccurredAt: s_frozenUntil.AddDays(-1)),
            ]));
            await InventoryApi.AssertProblem(batch, HttpStatusCode.Conflict);
            Assert.Equal(10m, await _api.OnHandAsync(store.Id, product.Id));

            // A moment after it: accepted.
            await _api.AddStockAsync(store.Id, product.Id, 1, s_frozenUntil.AddSeconds(1));

            // Only admins set it; a date in the future, or no frozenUntil member at all, is a 400.
            using var byStaff = await staff.PutAsJsonAsync(FreezePath, new StockFreezeRequest(null));
            Assert.Equal(HttpStatusCode.Forbidden, byStaff.StatusCode);
            using var future = await _api.Http.PutAsJsonAsync(FreezePath, new StockFreezeRequest(DateTimeOffset.UtcNow.AddDays(1)));
            await InventoryApi.AssertProblem(future, HttpStatusCode.BadRequest);
            using var missing = await _api.Http.PutAsJsonAsync(FreezePath, new { });
            await InventoryApi.AssertProblem(missing, HttpStatusCode.BadRequest);
            Assert.Equal(s_frozenUntil, (await GetFreezeAsync()).FrozenUntil);

            // Lifted: the same backdated movement goes in.
            Assert.Null((await SetFreezeAsync(null)).FrozenUntil);
            await _api.AddStockAsync(store.Id, product.Id, 1, s_frozenUntil);
            Assert.Equal(12m, await _api.OnHandAsync(store.Id, product.Id));

            // Both changes are in the audit log, by the admin.
            var audit = await _api.Http.GetFromJsonAsync<Page<AuditEntry>>($"/api/audit-logs?table=settings&from={Uri.EscapeDataString(set.UpdatedAt.AddSeconds(-1).ToString("O"))}&limit=500");
            var changes = audit!.Items.Where(e => e.RowKey == "stock_frozen_until" && e.Operation == "UPDATE").ToList();
            Assert.Contains(changes, e => e.New?.GetProperty("value").ValueKind == JsonValueKind.String && e.ActorId is not null);
            Assert.Contains(changes, e => e.New?.GetProperty("value").ValueKind == JsonValueKind.Null && e.ActorId is not null);
        }
        finally
        {
            await SetFreezeAsync(null);
        }
    }

    [Fact]
    public async Task Twenty_parallel_backdated_sales_around_the_boundary_each_get_the_right_answer()
    {
        var store = await _api.NewStoreAsync();
        var product = await _api.NewProductAsync();
        await _api.AddStockAsync(store.Id, product.Id, 100, s_frozenUntil.AddDays(-30));
        try
        {
            await SetFreezeAsync(s_frozenUntil);

            // Ten on or before the date (0 to -9 s), ten after it (+1 to +10 s).
            var offsets = Enumerable.Range(-9, 20).ToArray();
            var results = await AllAtOnce.RunAsync(offsets, async offset =>
            {
                using var response = await _api.Http.PostAsJsonAsync("/api/stock/sale",
                    new MovementRequest(store.Id, product.Id, null, 1, OccurredAt: s_frozenUntil.AddSeconds(offset)));
                var type = response.IsSuccessStatusCode ? null : JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement.GetProperty("type").GetString();
                return (Offset: offset, response.StatusCode, Type: type);
            });

            foreach (var (offset, status, type) in results)
            {
                if (offset <= 0)
                {
                    Assert.True(status == HttpStatusCode.Conflict && type!.EndsWith("/stock-history-frozen", StringComparison.Ordinal), $"{offset} s: {status} {type}");
                }
                else
                {
                    Assert.True(status == HttpStatusCode.Created, $"{offset} s: {status} {type}");
                }
            }

            var accepted = results.Count(r => r.Offset > 0);
            Assert.Equal(100m - accepted, await _api.OnHandAsync(store.Id, product.Id));
            Assert.Equal(accepted + 1, (await _api.MovementsAsync(store.Id)).Count);
        }
        finally
        {
            await SetFreezeAsync(null);
        }
    }

    [Fact]
    public async Task Staff_may_backdate_a_week_and_managers_further()
    {
        var store = await _api.NewStoreAsync();
        var product = await _api.NewProductAsync();
        await _api.AddStockAsync(store.Id, product.Id, 10);
        using var staff = await _accounts.UserAsync("STAFF", store.Id);
        using var manager = await _accounts.UserAsync("STORE_MANAGER", store.Id);
        var now = DateTimeOffset.UtcNow;

        using var tooOld = await staff.PostAsJsonAsync("/api/stock/sale", new MovementRequest(store.Id, product.Id, null, 1, OccurredAt: now.AddDays(-8)));
        var problem = await InventoryApi.AssertProblem(tooOld, HttpStatusCode.UnprocessableEntity);
        Assert.Equal("https://bazaar.example/problems/backdating-limit", problem.GetProperty("type").GetString());
        Assert.Contains("7 days", problem.GetProperty("detail").GetString(), StringComparison.Ordinal);

        using var lastWeek = await staff.PostAsJsonAsync("/api/stock/sale", new MovementRequest(store.Id, product.Id, null, 1, OccurredAt: now.AddDays(-6)));
        Assert.Equal(HttpStatusCode.Created, lastWeek.StatusCode);
        using var lastMonth = await manager.PostAsJsonAsync("/api/stock/sale", new MovementRequest(store.Id, product.Id, null, 1, OccurredAt: now.AddDays(-30)));
        Assert.Equal(HttpStatusCode.Created, lastMonth.StatusCode);
        using var lastYear = await manager.PostAsJsonAsync("/api/stock/sale", new MovementRequest(store.Id, product.Id, null, 1, OccurredAt: now.AddDays(-120)));
        await InventoryApi.AssertProblem(lastYear, HttpStatusCode.UnprocessableEntity);

        Assert.Equal(8m, await _api.OnHandAsync(store.Id, product.Id));
    }

    [Fact]
    public async Task A_count_dated_before_the_shelfs_last_count_is_refused()
    {
        var store = await _api.NewStoreAsync();
        var product = await _api.NewProductAsync();
        await _api.AddStockAsync(store.Id, product.Id, 10, DateTimeOffset.UtcNow.AddHours(-3));
        var counted = DateTimeOffset.UtcNow.AddHours(-1);

        using var count = await _api.Http.PostAsJsonAsync("/api/stock/count", new CountRequest(store.Id, product.Id, null, 7, OccurredAt: counted));
        Assert.Equal(HttpStatusCode.Created, count.StatusCode);

        using var earlier = await _api.Http.PostAsJsonAsync("/api/stock/count", new CountRequest(store.Id, product.Id, null, 9, OccurredAt: counted.AddMinutes(-30)));
        var problem = await InventoryApi.AssertProblem(earlier, HttpStatusCode.Conflict);
        Assert.Equal("https://bazaar.example/problems/count-before-last-count", problem.GetProperty("type").GetString());
        Assert.Equal(7m, await _api.OnHandAsync(store.Id, product.Id));

        // Other shelves are not held back by this one's count, and a later count goes in.
        var other = await _api.NewProductAsync();
        using var otherShelf = await _api.Http.PostAsJsonAsync("/api/stock/count", new CountRequest(store.Id, other.Id, null, 2, OccurredAt: counted.AddMinutes(-30)));
        Assert.Equal(HttpStatusCode.Created, otherShelf.StatusCode);
        using var later = await _api.Http.PostAsJsonAsync("/api/stock/count", new CountRequest(store.Id, product.Id, null, 6));
        Assert.Equal(HttpStatusCode.Created, later.StatusCode);
        Assert.Equal(6m, await _api.OnHandAsync(store.Id, product.Id));
    }

    private async Task<StockFreeze> SetFreezeAsync(DateTimeOffset? until)
    {
        using var response = await _api.Http.PutAsJsonAsync(FreezePath, new StockFreezeRequest(until));
        Assert.True(response.StatusCode == HttpStatusCode.OK, $"PUT {FreezePath}: {response.StatusCode} {await response.Content.ReadAsStringAsync()}");
        return (await response.Content.ReadFromJsonAsync<StockFreeze>())!;
    }

    private async Task<StockFreeze> GetFreezeAsync() => (await _api.Http.GetFromJsonAsync<StockFreeze>(FreezePath))!;
}
