using Deque.AxeCore.Commons;
using Deque.AxeCore.Playwright;
using BazaarCstd.Web.Tests.Infrastructure;
using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace BazaarCstd.Web.Tests.Browser;

/// <summary>
/// axe-core (Deque's engine, run in the page by Playwright) finds no violation of serious or critical
/// impact on the pages a store manager works in and on the admin pages, each with data on it and once it is interactive.
/// </summary>
[Collection(DashboardCollection.Name)]
public sealed class AccessibilityTests(DashboardFixture fixture)
{
    /// <summary>Only the violations: axe then skips gathering every passed check, most of its work.</summary>
    private static readonly AxeRunOptions ViolationsOnly = new() { ResultTypes = [ResultType.Violations] };

    [Fact]
    public async Task The_main_pages_have_no_serious_or_critical_accessibility_violations()
    {
        var tag = TestData.NewTag();
        var store = await fixture.Data.StoreAsync(tag + "S");
        var product = await fixture.Data.ProductAsync($"{tag}-OATS", "Rolled oats", reorderPoint: 4);
        await fixture.Data.StockInAsync(store.Id, product.Id, 6);
        await fixture.Data.SaleAsync(store.Id, product.Id, 3);
        var email = await fixture.Data.UserAsync(tag, "STORE_MANAGER", store.Id);
        await using var session = await DashboardSession.SignInAsync(fixture, email);

        var pages = new (string Path, string ReadyMarker)[]
        {
            ("/overview", "[data-testid=overview]"),
            ($"/inventory?q={tag}", "[data-testid=stock-panel]"),
            ($"/products/{product.Id}", "[data-testid=product-page]"),
            ("/movements", "[data-testid=movements-panel]"),
        };

        var found = new List<string>();
        foreach (var (path, marker) in pages)
        {
            await session.Page.GotoAsync(path);
            await Expect(session.Page.Locator(marker)).ToHaveAttributeAsync("data-state", "ready");
            var results = await session.Page.RunAxe(ViolationsOnly);
            found.AddRange(results.Violations
                .Where(v => v.Impact is "serious" or "critical")
                .Select(v => $"{path}: {v.Impact} {v.Id} — {v.Help} — {string.Join(" | ", v.Nodes.Take(3).Select(n => n.Html))}"));
        }

        // The admin pages, as an administrator, each with its form open. axe takes 6–10 s a page on
        // two busy cores, so two pages: between them they hold every kind of control the four admin
        // pages use (search, switch, list, text, select and number fields, an error, fieldsets,
        // checkboxes, chips, the store switcher); the stores and thresholds pages repeat them.
        var admin = await fixture.Data.UserAsync(tag, "ADMIN", store.Id);
        await using var adminSession = await DashboardSession.SignInAsync(fixture, admin);
        var adminPage = adminSession.Page;
        foreach (var (path, marker, open) in new (string Path, string ReadyMarker, Func<Task> Open)[]
        {
            ("/admin/products", "[data-testid=admin-products]", async () =>
            {
                await adminPage.Locator("[data-testid=new-product]").ClickAsync();
                await adminPage.GetByRole(AriaRole.Button, new() { Name = "Save product" }).ClickAsync();
                await Expect(adminPage.Locator("[data-testid=product-problem]")).ToBeVisibleAsync();
            }),
            ("/admin/users", "[data-testid=admin-users]", async () =>
            {
                // The search answers first (one row, the page ready again), so the click does not race the
                // list being replaced under it.
                await adminPage.Locator("#admin-user-email").FillAsync(admin);
                await Expect(adminPage.Locator("[data-testid=user-row]")).ToHaveCountAsync(1);
                await Expect(adminPage.Locator("[data-testid=user-row]")).ToHaveAttributeAsync("data-email", admin);
                await Expect(adminPage.Locator("[data-testid=admin-users]")).ToHaveAttributeAsync("data-state", "ready");
                await adminPage.GetByRole(AriaRole.Button, new() { Name = $"Edit {admin}" }).ClickAsync();
                await Expect(adminPage.Locator("[data-testid=user-form]")).ToBeVisibleAsync();
            }),
        })
        {
            await adminPage.GotoAsync(path);
            await Expect(adminPage.Locator(marker)).ToHaveAttributeAsync("data-state", "ready");
            await open();
            var results = await adminPage.RunAxe(ViolationsOnly);
            found.AddRange(results.Violations
                .Where(v => v.Impact is "serious" or "critical")
                .Select(v => $"{path}: {v.Impact} {v.Id} — {v.Help} — {string.Join(" | ", v.Nodes.Take(3).Select(n => n.Html))}"));
        }

        Assert.True(found.Count == 0, string.Join(Environment.NewLine, found));
    }
}
