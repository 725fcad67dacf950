using BazaarCstd.Web.Tests.Infrastructure;
using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace BazaarCstd.Web.Tests.Browser;

/// <summary>The inventory grid and quick entry as a store manager and as staff use them, in real Chromium.</summary>
[Collection(DashboardCollection.Name)]
public sealed class InventoryTests(DashboardFixture fixture)
{
    [Fact]
    public async Task A_manager_sees_only_the_stores_assigned_to_them()
    {
        var tag = TestData.NewTag();
        var mine = await fixture.Data.StoreAsync(tag + "MINE");
        var other = await fixture.Data.StoreAsync(tag + "OTHER");
        var product = await fixture.Data.ProductAsync($"{tag}-TEA", "Green tea");
        await fixture.Data.StockInAsync(mine.Id, product.Id, 12);
        await fixture.Data.StockInAsync(other.Id, product.Id, 30);
        var email = await fixture.Data.UserAsync(tag, "STORE_MANAGER", mine.Id);

        await using var session = await DashboardSession.SignInAsync(fixture, email);
        await session.SearchAsync(tag);

        await Expect(session.Rows(product.Sku)).ToHaveCountAsync(1);
        await Expect(session.OnHand(product.Sku, mine.Code)).ToContainTextAsync("12 each");
        await Expect(session.Page.GetByText(other.Code)).ToHaveCountAsync(0);

        // The store switcher offers the manager's store, searched as they type, and nothing else.
        await session.Page.Locator("#store-switcher").FillAsync(tag);
        var options = session.Page.Locator("[data-testid=store-option]");
        await Expect(options).ToHaveCountAsync(1);
        await Expect(options).ToContainTextAsync(mine.Code);
        await session.ScreenshotAsync("inventory-manager");
    }

    [Fact]
    public async Task A_stock_in_then_a_sale_change_the_grid_and_an_oversell_says_what_is_available()
    {
        var tag = TestData.NewTag();
        var store = await fixture.Data.StoreAsync(tag + "S");
        var product = await fixture.Data.ProductAsync($"{tag}-SOAP", "Olive soap", reorderPoint: 5);
        await fixture.Data.StockInAsync(store.Id, product.Id, 3);
        var email = await fixture.Data.UserAsync(tag, "STORE_MANAGER", store.Id);

        await using var session = await DashboardSession.SignInAsync(fixture, email);
        await session.SearchAsync(tag);
        var onHand = session.OnHand(product.Sku, store.Code);
        await Expect(onHand).ToHaveAttributeAsync("data-status", "low");

        await session.OpenQuickEntryAsync(product.Sku, store.Code);
        await session.RecordAsync("Stock in", 7, clicks: 2); // a double click records once (history below)
        await Expect(onHand).ToContainTextAsync("10 each");
        await Expect(onHand).ToHaveAttributeAsync("data-status", "instock");

        await session.RecordAsync("Sale", 4);
        await Expect(onHand).ToContainTextAsync("6 each");

        await session.RecordAsync("Sale", 100);
        await Expect(session.Page.Locator("[data-testid=quick-entry-problem]"))
            .ToHaveTextAsync("Not enough stock: 6 available, 100 requested.");
        await Expect(onHand).ToContainTextAsync("6 each");
        await session.ScreenshotAsync("quick-entry-oversell");

        // The server agrees after a reload, and the history lists the three movements, newest first.
        await session.Page.ReloadAsync();
        await session.SearchAsync(tag);
        await Expect(session.OnHand(product.Sku, store.Code)).ToContainTextAsync("6 each");
        await session.Page.GetByRole(AriaRole.Link, new() { Name = $"History of {product.Sku} in {store.Code}" }).ClickAsync();
        var movements = session.Page.Locator("tr[data-testid=movement-row]");
        await Expect(movements).ToHaveCountAsync(3);
        await Expect(movements.Nth(0)).ToHaveAttributeAsync("data-kind", "sale");
        await Expect(movements.Nth(0)).ToContainTextAsync("-4");
        await Expect(movements.Nth(1)).ToHaveAttributeAsync("data-kind", "stock_in");
        await session.ScreenshotAsync("history");
    }

    [Fact]
    public async Task Staff_do_not_see_manager_only_actions_and_managers_do()
    {
        var tag = TestData.NewTag();
        var store = await fixture.Data.StoreAsync(tag + "S");
        var product = await fixture.Data.ProductAsync($"{tag}-RICE", "Rice 1 kg");
        await fixture.Data.StockInAsync(store.Id, product.Id, 20);
        var staff = await fixture.Data.UserAsync(tag, "STAFF", store.Id);
        var manager = await fixture.Data.UserAsync(tag, "STORE_MANAGER", store.Id);

        await using (var session = await DashboardSession.SignInAsync(fixture, staff))
        {
            await Expect(session.Page.Locator("[data-testid=signed-in-as]")).ToContainTextAsync("Staff");
            await Expect(session.Page.Locator("[data-testid=nav-status]")).ToHaveCountAsync(0);
            await session.SearchAsync(tag);
            await session.OpenQuickEntryAsync(product.Sku, store.Code);
            await Expect(session.QuickEntry.GetByText("Sale", new() { Exact = true })).ToBeVisibleAsync();
            await Expect(session.QuickEntry.GetByText("Count", new() { Exact = true })).ToHaveCountAsync(0);
            await session.ScreenshotAsync("quick-entry-staff");

            // Hidden, and refused when typed in.
            await session.Page.GotoAsync("/status");
            await Expect(session.Page.Locator("[data-testid=not-allowed]")).ToBeVisibleAsync();
        }

        await using (var session = await DashboardSession.SignInAsync(fixture, manager))
        {
            await session.SearchAsync(tag);
            await session.OpenQuickEntryAsync(product.Sku, store.Code);
            await Expect(session.QuickEntry.GetByText("Count", new() { Exact = true })).ToBeVisibleAsync();
        }
    }
}
