using System.Text.RegularExpressions;
using BazaarCstd.Web.Tests.Infrastructure;
using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace BazaarCstd.Web.Tests.Browser;

/// <summary>At tablet width (768 × 1024) the main pages fit the screen and the navigation is a drawer.</summary>
[Collection(DashboardCollection.Name)]
public sealed partial class TabletWidthTests(DashboardFixture fixture)
{
    [Fact]
    public async Task The_main_pages_fit_768_px_without_a_horizontal_scroll_and_the_drawer_navigates()
    {
        var tag = TestData.NewTag();
        var store = await fixture.Data.StoreAsync(tag + "S");
        var product = await fixture.Data.ProductAsync($"{tag}-FLOUR", "Wholemeal flour 1 kg, stone-ground", reorderPoint: 4);
        await fixture.Data.StockInAsync(store.Id, product.Id, 6);
        await fixture.Data.SaleAsync(store.Id, product.Id, 3);
        var admin = await fixture.Data.UserAsync(tag, "ADMIN", store.Id);
        await using var session = await DashboardSession.SignInAsync(fixture, admin);
        var page = session.Page;
        await page.SetViewportSizeAsync(768, 1024);

        var pages = new (string Path, string ReadyMarker)[]
        {
            ("/overview", "[data-testid=overview]"),
            ($"/inventory?q={tag}", "[data-testid=stock-panel]"),
            ("/movements", "[data-testid=movements-panel]"),
            ($"/products/{product.Id}", "[data-testid=product-page]"),
            ("/alerts", "[data-testid=alerts-panel]"),
            ("/admin/products", "[data-testid=admin-products]"),
            ("/admin/stores", "[data-testid=admin-stores]"),
            ("/admin/users", "[data-testid=admin-users]"),
            ($"/admin/thresholds?storeId={store.Id}", "[data-testid=admin-thresholds]"),
        };

        var tooWide = new List<string>();
        foreach (var (path, marker) in pages)
        {
            await page.GotoAsync(path);
            await Expect(page.Locator(marker)).ToHaveAttributeAsync("data-state", "ready");
            var widths = await page.EvaluateAsync<int[]>("() => [document.documentElement.scrollWidth, window.innerWidth]");
            if (widths[0] > widths[1])
            {
                tooWide.Add($"{path}: the page is {widths[0]} px wide in a {widths[1]} px window");
            }
        }

        Assert.True(tooWide.Count == 0, string.Join(Environment.NewLine, tooWide));
        await session.ScreenshotAsync("tablet-thresholds");

        // The app bar's links are folded away; the menu button opens them in a drawer, which a followed link closes.
        // (A closed drawer is only moved off screen, so its state is read from its class.)
        await Expect(page.Locator("[data-testid=nav-movements]")).ToBeHiddenAsync();
        var drawer = page.Locator("[data-testid=nav-drawer]");
        await Expect(drawer).Not.ToHaveClassAsync(Open);
        await page.Locator("[data-testid=nav-toggle]").ClickAsync();
        await Expect(drawer).ToHaveClassAsync(Open);
        await Expect(drawer.GetByRole(AriaRole.Link, new() { Name = "Users" })).ToBeInViewportAsync();
        await drawer.GetByRole(AriaRole.Link, new() { Name = "Movements" }).ClickAsync();
        await Expect(page.Locator("[data-testid=movements-panel]")).ToHaveAttributeAsync("data-state", "ready");
        await Expect(page).ToHaveURLAsync(new Regex("/movements$"));
        await Expect(drawer).Not.ToHaveClassAsync(Open);
    }

    [GeneratedRegex(@"\bmud-drawer--open\b")]
    private static partial Regex Open { get; }
}
