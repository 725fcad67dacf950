using System.Net.Http.Json;
using BazaarCstd.Contracts;
using BazaarCstd.Contracts.Reports;
using BazaarCstd.Contracts.Stock;
using BazaarCstd.Web.Tests.Infrastructure;

namespace BazaarCstd.Web.Tests.Reports;

/// <summary>The API reads added for the dashboard: <c>GET /api/reports/stock</c>, <c>/categories</c> and <c>/sales</c>.</summary>
[Collection(DashboardCollection.Name)]
public sealed class ReportEndpointsTests(DashboardFixture fixture)
{
    [Fact]
    public async Task Stock_search_matches_sku_prefix_or_name_and_shows_only_the_callers_stores()
    {
        var tag = TestData.NewTag();
        var mine = await fixture.Data.StoreAsync(tag + "A");
        var other = await fixture.Data.StoreAsync(tag + "B");
        var tea = await fixture.Data.ProductAsync($"{tag}-1", $"Jasmine tea {tag}");
        var soap = await fixture.Data.ProductAsync($"{tag}-2", "Lemon soap");
        foreach (var store in new[] { mine, other })
        {
            await fixture.Data.StockInAsync(store.Id, tea.Id, 4);
            await fixture.Data.StockInAsync(store.Id, soap.Id, 9);
        }

        var manager = await fixture.Data.UserAsync(tag, "STORE_MANAGER", mine.Id);
        using var http = fixture.Accounts.As(manager, TestData.Password);

        var bySku = await http.GetFromJsonAsync<Page<StockRow>>($"/api/reports/stock?q={tag.ToLowerInvariant()}-");
        Assert.Equal([tea.Sku, soap.Sku], bySku!.Items.Select(r => r.Sku));
        Assert.All(bySku.Items, r => Assert.Equal(mine.Code, r.StoreCode));

        var byName = await http.GetFromJsonAsync<Page<StockRow>>($"/api/reports/stock?q=jasmine%20tea%20{tag}");
        Assert.Equal(tea.Id, Assert.Single(byName!.Items).ProductId);

        // Asking for a store that is not theirs shows nothing, as every store-bound read does.
        var foreign = await http.GetFromJsonAsync<Page<StockRow>>($"/api/reports/stock?q={tag}&storeId={other.Id}");
        Assert.Empty(foreign!.Items);
    }

    [Fact]
    public async Task Stock_search_pages_by_sku_and_filters_low_stock_and_category()
    {
        var tag = TestData.NewTag();
        var store = await fixture.Data.StoreAsync(tag + "S");
        var low = await fixture.Data.ProductAsync($"{tag}-1", "Low one", reorderPoint: 10, category: tag);
        var plenty = await fixture.Data.ProductAsync($"{tag}-2", "Plenty", reorderPoint: 1, category: tag);
        await fixture.Data.StockInAsync(store.Id, low.Id, 3);
        await fixture.Data.StockInAsync(store.Id, plenty.Id, 50);
        using var admin = fixture.Accounts.Admin();

        var first = await admin.GetFromJsonAsync<Page<StockRow>>($"/api/reports/stock?q={tag}&storeId={store.Id}&limit=1");
        Assert.Equal(low.Sku, Assert.Single(first!.Items).Sku);
        Assert.NotNull(first.NextCursor);
        var second = await admin.GetFromJsonAsync<Page<StockRow>>($"/api/reports/stock?q={tag}&storeId={store.Id}&limit=1&cursor={first.NextCursor}");
        Assert.Equal(plenty.Sku, Assert.Single(second!.Items).Sku);
        Assert.Null(second.NextCursor);

        var lowOnly = await admin.GetFromJsonAsync<Page<StockRow>>($"/api/reports/stock?q={tag}&lowStock=true");
        Assert.Equal(low.Sku, Assert.Single(lowOnly!.Items).Sku);

        var byCategory = await admin.GetFromJsonAsync<Page<StockRow>>($"/api/reports/stock?category={tag}");
        Assert.Equal(2, byCategory!.Items.Count);
        Assert.Contains(tag, (await admin.GetFromJsonAsync<string[]>("/api/reports/categories"))!);
    }

    [Fact]
    public async Task Reports_need_a_signed_in_user_and_refuse_a_bad_cursor_in_words()
    {
        using var anonymous = fixture.Accounts.Anonymous();
        using var unauthenticated = await anonymous.GetAsync("/api/reports/stock");
        Assert.Equal(HttpStatusCode.Unauthorized, unauthenticated.StatusCode);

        using var admin = fixture.Accounts.Admin();
        using var badCursor = await admin.GetAsync("/api/reports/stock?cursor=not-a-cursor");
        Assert.Equal(HttpStatusCode.BadRequest, badCursor.StatusCode);
        Assert.Equal("application/problem+json", badCursor.Content.Headers.ContentType?.MediaType);
        Assert.Contains("cursor", await badCursor.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task Sales_count_on_each_stores_own_day_and_only_in_the_callers_stores()
    {
        var tag = TestData.NewTag();
        var utc = await fixture.Data.StoreAsync(tag + "U", "UTC");
        var kiritimati = await fixture.Data.StoreAsync(tag + "K", "Pacific/Kiritimati"); // UTC+14
        var other = await fixture.Data.StoreAsync(tag + "O");
        var product = await fixture.Data.ProductAsync($"{tag}-1", "Rice");
        var yesterday = DateOnly.FromDateTime(DateTime.UtcNow).AddDays(-1);
        var noonYesterdayUtc = new DateTimeOffset(yesterday.ToDateTime(new TimeOnly(12, 0)), TimeSpan.Zero);
        foreach (var store in new[] { utc, kiritimati, other })
        {
            await fixture.Data.StockInAsync(store.Id, product.Id, 20);
        }

        await fixture.Data.SaleAsync(utc.Id, product.Id, 2, noonYesterdayUtc);
        await fixture.Data.SaleAsync(utc.Id, product.Id, 1, noonYesterdayUtc.AddMinutes(5));
        await fixture.Data.SaleAsync(kiritimati.Id, product.Id, 4, noonYesterdayUtc); // already 02:00 today there
        await fixture.Data.SaleAsync(other.Id, product.Id, 7, noonYesterdayUtc);
        var manager = await fixture.Data.UserAsync(tag, "STORE_MANAGER", utc.Id, kiritimati.Id);
        using var http = fixture.Accounts.As(manager, TestData.Password);
        var period = $"from={yesterday.AddDays(-1):yyyy-MM-dd}&to={yesterday.AddDays(1):yyyy-MM-dd}";

        var inUtc = await http.GetFromJsonAsync<SalesReport>($"/api/reports/sales?storeId={utc.Id}&{period}");
        Assert.Equal([(0m, 0L), (3m, 2L), (0m, 0L)], inUtc!.Days.Select(d => (d.Units, d.Sales)));
        var inKiritimati = await http.GetFromJsonAsync<SalesReport>($"/api/reports/sales?storeId={kiritimati.Id}&{period}");
        Assert.Equal([0m, 0m, 4m], inKiritimati!.Days.Select(d => d.Units));
        Assert.Equal([yesterday.AddDays(-1), yesterday, yesterday.AddDays(1)], inKiritimati.Days.Select(d => d.Day));

        // All their stores: the manager's two, never the third (whose 7 would show). Other tests sell in
        // the shared app too, but only in stores this manager is not assigned to.
        var mine = await http.GetFromJsonAsync<SalesReport>($"/api/reports/sales?{period}");
        Assert.Equal([0m, 3m, 4m], mine!.Days.Select(d => d.Units));

        using var foreign = await http.GetAsync($"/api/reports/sales?storeId={other.Id}");
        Assert.Equal(HttpStatusCode.NotFound, foreign.StatusCode);
        using var backwards = await http.GetAsync($"/api/reports/sales?from={yesterday:yyyy-MM-dd}&to={yesterday.AddDays(-1):yyyy-MM-dd}");
        Assert.Equal(HttpStatusCode.BadRequest, backwards.StatusCode);
    }
}
