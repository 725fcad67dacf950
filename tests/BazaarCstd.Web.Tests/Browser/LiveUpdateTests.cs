using System.Diagnostics;
using System.Net.Http.Json;
using BazaarCstd.Web.Tests.Infrastructure;
using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;
using Xunit.Abstractions;

namespace BazaarCstd.Web.Tests.Browser;

/// <summary>
/// Live updates in real Chromium: a change made elsewhere (a till through the API, the Worker's
/// alerts) reaches an open page through RabbitMQ and this Web instance's own queue, without a reload.
/// </summary>
[Collection(DashboardCollection.Name)]
public sealed class LiveUpdateTests(DashboardFixture fixture, ITestOutputHelper output)
{
    [Fact]
    public async Task A_sale_made_through_the_api_elsewhere_updates_the_open_grid_within_two_seconds()
    {
        var tag = TestData.NewTag();
        var store = await fixture.Data.StoreAsync(tag + "S");
        var product = await fixture.Data.ProductAsync($"{tag}-MILK", "Milk 1 l", reorderPoint: 5);
        await fixture.Data.StockInAsync(store.Id, product.Id, 20);
        var email = await fixture.Data.UserAsync(tag, "STORE_MANAGER", store.Id);

        await using var session = await DashboardSession.SignInAsync(fixture, email);
        await session.SearchAsync(tag);
        await Expect(session.Page.Locator("[data-testid=stock-panel]")).ToHaveAttributeAsync("data-live", "on");
        var onHand = session.OnHand(product.Sku, store.Code);
        await Expect(onHand).ToContainTextAsync("20 each");

        // A till sells through the API (the admin's session, not this browser's).
        await fixture.Data.SaleAsync(store.Id, product.Id, 3);
        var sold = Stopwatch.StartNew();
        await Expect(onHand).ToContainTextAsync("17 each", new() { Timeout = 2_000 });
        output.WriteLine($"the grid showed the sale {sold.ElapsedMilliseconds} ms after the API answered");
        await Expect(session.Row(product.Sku, store.Code).Locator("[data-testid=on-hand-cell]")).ToHaveClassAsync(new System.Text.RegularExpressions.Regex("flash-"));

        // Down to the reorder point: the status changes with it.
        await fixture.Data.SaleAsync(store.Id, product.Id, 13);
        await Expect(onHand).ToContainTextAsync("4 each", new() { Timeout = 2_000 });
        await Expect(onHand).ToHaveAttributeAsync("data-status", "low");
    }

    [Fact]
    public async Task A_new_low_stock_alert_appears_in_the_inbox_and_the_badge_without_a_reload_and_can_be_acknowledged()
    {
        var tag = TestData.NewTag();
        var store = await fixture.Data.StoreAsync(tag + "S");
        var product = await fixture.Data.ProductAsync($"{tag}-EGGS", "Eggs 6", reorderPoint: 5);
        await fixture.Data.StockInAsync(store.Id, product.Id, 10);
        var email = await fixture.Data.UserAsync(tag, "STORE_MANAGER", store.Id);

        await using var session = await DashboardSession.SignInAsync(fixture, email);
        var badge = session.Page.Locator("[data-testid=alert-badge]");
        await session.Page.Locator("[data-testid=nav-alerts]").ClickAsync();
        var panel = session.Page.Locator("[data-testid=alerts-panel]");
        await Expect(panel).ToHaveAttributeAsync("data-state", "ready");
        await Expect(panel).ToHaveAttributeAsync("data-live", "on");
        await Expect(badge).ToHaveAttributeAsync("data-live", "on");
        await Expect(badge).ToHaveAttributeAsync("data-count", "0");
        await Expect(session.Page.Locator("[data-testid=alerts-empty]")).ToBeVisibleAsync();

        // Sold down to 4 of a reorder point of 5: the Worker opens a low-stock alert.
        await fixture.Data.SaleAsync(store.Id, product.Id, 6);
        var row = session.Page.Locator($"tr[data-testid=alert-row][data-sku='{product.Sku}']");
        await Expect(row).ToBeVisibleAsync(new() { Timeout = 10_000 });
        await Expect(row).ToHaveAttributeAsync("data-kind", "low_stock");
        await Expect(row).ToContainTextAsync(store.Code);
        await Expect(badge).ToHaveAttributeAsync("data-count", "1", new() { Timeout = 10_000 });
        await Expect(badge).ToContainTextAsync("1");
        await session.ScreenshotAsync("alerts");

        await row.GetByRole(AriaRole.Button, new() { Name = $"Acknowledge the alert for {product.Sku} in {store.Code}" }).ClickAsync();
        await Expect(row).ToHaveCountAsync(0);
        await Expect(badge).ToHaveAttributeAsync("data-count", "0", new() { Timeout = 10_000 });

        // The API agrees: the alert is acknowledged, no longer open.
        using var admin = fixture.Accounts.Admin();
        var open = await admin.GetFromJsonAsync<BazaarCstd.Contracts.Page<BazaarCstd.Contracts.Alerts.InventoryAlert>>($"/api/inventory/alerts?storeId={store.Id}&status=acknowledged");
        Assert.Equal(product.Sku, Assert.Single(open!.Items).Sku);
    }
}
