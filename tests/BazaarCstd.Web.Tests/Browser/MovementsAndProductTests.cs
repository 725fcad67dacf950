using BazaarCstd.Web.Tests.Infrastructure;
using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace BazaarCstd.Web.Tests.Browser;

/// <summary>The movements page (filters and its CSV download) and the product page, in real Chromium.</summary>
[Collection(DashboardCollection.Name)]
public sealed class MovementsAndProductTests(DashboardFixture fixture)
{
    [Fact]
    public async Task The_movements_page_filters_and_its_csv_download_has_exactly_the_filtered_rows()
    {
        var tag = TestData.NewTag();
        var store = await fixture.Data.StoreAsync(tag + "S");
        var product = await fixture.Data.ProductAsync($"{tag}-OATS", "Oats 500 g");
        await fixture.Data.StockInAsync(store.Id, product.Id, 30);
        for (var i = 0; i < 3; i++)
        {
            await fixture.Data.SaleAsync(store.Id, product.Id, i + 1);
        }

        var email = await fixture.Data.UserAsync(tag, "STORE_MANAGER", store.Id);
        await using var session = await DashboardSession.SignInAsync(fixture, email);
        await session.Page.Locator("[data-testid=nav-movements]").ClickAsync();
        var panel = session.Page.Locator("[data-testid=movements-panel]");
        await Expect(panel).ToHaveAttributeAsync("data-state", "ready");
        var rows = session.Page.Locator("tr[data-testid=movement-row]");
        await Expect(rows).ToHaveCountAsync(4); // the manager's only store: one stock-in, three sales

        // Only sales, only today.
        await session.Page.Locator("#movements-kind").ClickAsync();
        await session.Page.Locator(".mud-popover-open .mud-list-item").GetByText("Sale", new() { Exact = true }).ClickAsync();
        var link = session.Page.Locator("[data-testid=movements-csv]");
        await Expect(link).ToHaveAttributeAsync("href", new System.Text.RegularExpressions.Regex("kind=sale")); // the choice reached the page
        await session.Page.Locator("#movements-from").FillAsync(DateTime.UtcNow.ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture));
        await Expect(rows).ToHaveCountAsync(3);
        await Expect(panel).ToHaveAttributeAsync("data-state", "ready");
        await Expect(rows.Nth(0)).ToContainTextAsync("-3");
        await session.ScreenshotAsync("movements");

        await Expect(link).ToHaveAttributeAsync("href", new System.Text.RegularExpressions.Regex("kind=sale&from="));
        var download = await session.Page.RunAndWaitForDownloadAsync(() => link.ClickAsync());
        Assert.Equal("movements.csv", download.SuggestedFilename);
        var lines = (await File.ReadAllTextAsync((await download.PathAsync())!)).Split("\r\n", StringSplitOptions.RemoveEmptyEntries);
        Assert.StartsWith("id,storeId,productId,sku,kind,quantity,delta", lines[0], StringComparison.Ordinal);
        Assert.Equal(["-3", "-2", "-1"], lines.Skip(1).Select(l => l.Split(',')[6]).ToArray());
        Assert.All(lines.Skip(1), l => Assert.Contains($",{store.Id},", l, StringComparison.Ordinal));
    }

    [Fact]
    public async Task The_product_page_shows_its_level_in_every_store_the_user_may_see_and_its_history()
    {
        var tag = TestData.NewTag();
        var first = await fixture.Data.StoreAsync(tag + "A");
        var second = await fixture.Data.StoreAsync(tag + "B");
        var hidden = await fixture.Data.StoreAsync(tag + "C");
        var product = await fixture.Data.ProductAsync($"{tag}-JAM", "Plum jam", reorderPoint: 5);
        await fixture.Data.StockInAsync(first.Id, product.Id, 12);
        await fixture.Data.StockInAsync(second.Id, product.Id, 3);
        await fixture.Data.StockInAsync(hidden.Id, product.Id, 40);
        await fixture.Data.SaleAsync(first.Id, product.Id, 2);
        var email = await fixture.Data.UserAsync(tag, "STORE_MANAGER", first.Id, second.Id);

        await using var session = await DashboardSession.SignInAsync(fixture, email);
        await session.SearchAsync(tag);
        await session.Row(product.Sku, first.Code).GetByRole(AriaRole.Link, new() { Name = product.Sku, Exact = true }).ClickAsync();
        await Expect(session.Page.Locator("[data-testid=product-page]")).ToHaveAttributeAsync("data-state", "ready");
        await Expect(session.Page.Locator("[data-testid=product-title]")).ToContainTextAsync("Plum jam");

        var levels = session.Page.Locator("tr[data-testid=product-level]");
        await Expect(levels).ToHaveCountAsync(2);
        await Expect(session.Page.Locator($"tr[data-testid=product-level][data-store='{first.Code}']")).ToContainTextAsync("10 each");
        await Expect(session.Page.Locator($"tr[data-testid=product-level][data-store='{second.Code}'] [data-testid=on-hand]")).ToHaveAttributeAsync("data-status", "low");
        await Expect(session.Page.GetByText(hidden.Code)).ToHaveCountAsync(0);
        await Expect(session.Page.Locator("[data-testid=product-chart] svg")).ToHaveCountAsync(1);
        await Expect(session.Page.Locator("tr[data-testid=product-movement]")).ToHaveCountAsync(3);
        await session.ScreenshotAsync("product");
    }
}
