using BazaarCstd.Web.Tests.Infrastructure;
using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace BazaarCstd.Web.Tests.Browser;

/// <summary>Transfers between two stores from the browser, and who may make them.</summary>
[Collection(DashboardCollection.Name)]
public sealed class TransferTests(DashboardFixture fixture)
{
    [Fact]
    public async Task A_manager_moves_stock_and_both_stores_rows_change_in_the_grid()
    {
        var tag = TestData.NewTag();
        var from = await fixture.Data.StoreAsync(tag + "A");
        var to = await fixture.Data.StoreAsync(tag + "B");
        var product = await fixture.Data.ProductAsync($"{tag}-OIL", "Olive oil");
        await fixture.Data.StockInAsync(from.Id, product.Id, 10);
        await fixture.Data.StockInAsync(to.Id, product.Id, 1);
        var email = await fixture.Data.UserAsync(tag, "STORE_MANAGER", from.Id, to.Id);

        await using var session = await DashboardSession.SignInAsync(fixture, email);
        await session.Page.Locator("[data-testid=nav-transfers]").ClickAsync();
        await Expect(session.Page.Locator("[data-testid=transfers]")).ToHaveAttributeAsync("data-state", "ready");
        await session.Page.Locator("#tr-from").SelectOptionAsync(from.Id.ToString());
        await session.Page.Locator("#tr-to").SelectOptionAsync(to.Id.ToString());
        await session.Page.Locator("#tr-sku-1").FillAsync(product.Sku);
        await session.Page.Locator("#tr-qty-1").FillAsync("40");
        var transfer = session.Page.GetByRole(AriaRole.Button, new() { Name = "Transfer" });

        // More than the shelf holds: refused in words, nothing moves.
        await transfer.ClickAsync();
        await Expect(session.Page.Locator("[data-testid=transfer-problem]")).ToHaveTextAsync("Not enough stock: 10 available, 40 requested.");

        await session.Page.Locator("#tr-qty-1").FillAsync("4");
        await transfer.ClickAsync(new() { ClickCount = 2 }); // a double click moves once
        var done = session.Page.Locator("[data-testid=transfer-done]");
        await Expect(done).ToContainTextAsync($"{product.Sku} in {from.Code}: 6 on hand");
        await Expect(done).ToContainTextAsync($"{product.Sku} in {to.Code}: 5 on hand");
        await session.ScreenshotAsync("transfer");

        await session.Page.GotoAsync("/");
        await session.SearchAsync(tag);
        await Expect(session.OnHand(product.Sku, from.Code)).ToContainTextAsync("6 each");
        await Expect(session.OnHand(product.Sku, to.Code)).ToContainTextAsync("5 each");
    }

    [Fact]
    public async Task Staff_neither_see_nor_can_open_the_transfer_page()
    {
        var tag = TestData.NewTag();
        var store = await fixture.Data.StoreAsync(tag + "S");
        var staff = await fixture.Data.UserAsync(tag, "STAFF", store.Id);

        await using var session = await DashboardSession.SignInAsync(fixture, staff);
        await Expect(session.Page.Locator("[data-testid=nav-overview]")).ToBeVisibleAsync();
        await Expect(session.Page.Locator("[data-testid=nav-transfers]")).ToHaveCountAsync(0);

        await session.Page.GotoAsync("/transfers");
        await Expect(session.Page.Locator("[data-testid=not-allowed]")).ToBeVisibleAsync();
        await Expect(session.Page.Locator("[data-testid=transfer-form]")).ToHaveCountAsync(0);
    }
}
