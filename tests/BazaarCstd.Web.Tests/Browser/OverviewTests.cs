using BazaarCstd.Web.Tests.Infrastructure;
using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace BazaarCstd.Web.Tests.Browser;

/// <summary>The overview a store manager opens first, in real Chromium against the real app.</summary>
[Collection(DashboardCollection.Name)]
public sealed class OverviewTests(DashboardFixture fixture)
{
    [Fact]
    public async Task A_sale_made_a_moment_ago_is_in_todays_units_and_the_chart_and_low_shelves_are_counted()
    {
        var tag = TestData.NewTag();
        var store = await fixture.Data.StoreAsync(tag + "S");
        var tea = await fixture.Data.ProductAsync($"{tag}-TEA", "Green tea", reorderPoint: 5);
        var soap = await fixture.Data.ProductAsync($"{tag}-SOAP", "Olive soap", reorderPoint: 5);
        var salt = await fixture.Data.ProductAsync($"{tag}-SALT", "Sea salt", reorderPoint: 5);
        await fixture.Data.StockInAsync(store.Id, tea.Id, 10);
        await fixture.Data.StockInAsync(store.Id, soap.Id, 2);
        await fixture.Data.StockInAsync(store.Id, salt.Id, 3);
        await fixture.Data.SaleAsync(store.Id, tea.Id, 3);
        await fixture.Data.SaleAsync(store.Id, soap.Id, 2); // soap is now out of stock, salt below its reorder point
        var email = await fixture.Data.UserAsync(tag, "STORE_MANAGER", store.Id);

        await using var session = await DashboardSession.SignInAsync(fixture, email);
        await session.Page.Locator("[data-testid=nav-overview]").ClickAsync();
        var overview = session.Page.Locator("[data-testid=overview]");
        await Expect(overview).ToHaveAttributeAsync("data-state", "ready");

        await Expect(session.Page.Locator("[data-testid=sold-today-units]")).ToHaveTextAsync("5");
        await Expect(session.Page.Locator("[data-testid=sold-last-week]")).ToContainTextAsync("0 on");
        await Expect(session.Page.Locator("[data-testid=sales-chart] svg").First).ToBeVisibleAsync();
        var days = session.Page.Locator("tr[data-testid=sales-day]");
        await Expect(days).ToHaveCountAsync(30);
        await Expect(days.Last.Locator("[data-testid=sales-units]")).ToHaveTextAsync("5");
        await Expect(days.Nth(0).Locator("[data-testid=sales-units]")).ToHaveTextAsync("0");

        await Expect(session.Page.Locator("[data-testid=out-of-stock-count]")).ToHaveTextAsync("1");
        await Expect(session.Page.Locator("[data-testid=out-of-stock] li")).ToContainTextAsync(soap.Sku);
        await Expect(session.Page.Locator("[data-testid=below-reorder-count]")).ToHaveTextAsync("1");
        await Expect(session.Page.Locator("[data-testid=below-reorder] li")).ToContainTextAsync(salt.Sku);
        await Expect(session.Page.Locator("tr[data-testid=latest-movement]").First).ToHaveAttributeAsync("data-kind", "sale");
        await session.ScreenshotAsync("overview");

        // The count links to the grid, filtered to the low shelves of that store.
        await session.Page.Locator("[data-testid=below-reorder]").GetByRole(AriaRole.Link, new() { Name = "See them in the grid" }).ClickAsync();
        await session.WaitUntilGridReadyAsync();
        await Expect(session.Page.Locator("tr[data-testid=stock-row]")).ToHaveCountAsync(2);
        await Expect(session.Rows(tea.Sku)).ToHaveCountAsync(0);
    }
}
