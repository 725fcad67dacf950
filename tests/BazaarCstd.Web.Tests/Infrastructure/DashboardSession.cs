using System.Text.RegularExpressions;
using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace BazaarCstd.Web.Tests.Infrastructure;

/// <summary>One user's browser on the dashboard: signing in, filtering the grid, recording from a row.</summary>
public sealed partial class DashboardSession(IPage page) : IAsyncDisposable
{
    public IPage Page { get; } = page;

    public static async Task<DashboardSession> SignInAsync(DashboardFixture fixture, string email, string password = TestData.Password)
    {
        var session = new DashboardSession(await fixture.NewPageAsync());
        await session.Page.GotoAsync("/signin");
        await session.Page.Locator("#email").FillAsync(email);
        await session.Page.Locator("#password").FillAsync(password);
        await session.Page.GetByRole(AriaRole.Button, new() { Name = "Sign in" }).ClickAsync();
        await Expect(session.Page).Not.ToHaveURLAsync(SignInUrl());
        await session.WaitUntilGridReadyAsync();
        return session;
    }

    [GeneratedRegex("/signin")]
    public static partial Regex SignInUrl();

    /// <summary>The grid is interactive (the circuit is up) and not loading.</summary>
    public Task WaitUntilGridReadyAsync() =>
        Expect(Page.Locator("[data-testid=stock-panel]")).ToHaveAttributeAsync("data-state", "ready");

    /// <summary>Types into the grid's search box; the API filters.</summary>
    public async Task SearchAsync(string text)
    {
        await Page.Locator("#stock-search").FillAsync(text);
        await WaitUntilGridReadyAsync();
    }

    public ILocator Rows(string sku) => Page.Locator($"tr[data-testid=stock-row][data-sku='{sku}']");

    public ILocator Row(string sku, string storeCode) => Page.Locator($"tr[data-testid=stock-row][data-sku='{sku}'][data-store='{storeCode}']");

    public ILocator OnHand(string sku, string storeCode) => Row(sku, storeCode).Locator("[data-testid=on-hand]");

    public ILocator QuickEntry => Page.Locator("[data-testid=quick-entry]");

    public async Task OpenQuickEntryAsync(string sku, string storeCode)
    {
        await Page.GetByRole(AriaRole.Button, new() { Name = $"Record movement for {sku} in {storeCode}" }).ClickAsync();
        await Expect(QuickEntry).ToBeVisibleAsync();
    }

    /// <summary>Chooses the kind, types the quantity and presses Record (<paramref name="clicks"/> times at once) in the open quick-entry form.</summary>
    public async Task RecordAsync(string kind, decimal quantity, int clicks = 1)
    {
        await QuickEntry.GetByText(kind, new() { Exact = true }).ClickAsync();
        await Page.Locator("#qe-quantity").FillAsync(quantity.ToString(System.Globalization.CultureInfo.InvariantCulture));
        await QuickEntry.GetByRole(AriaRole.Button, new() { Name = "Record" }).ClickAsync(new() { ClickCount = clicks });
    }

    public async Task ScreenshotAsync(string name) =>
        await Page.ScreenshotAsync(new() { Path = Path.Combine(DashboardFixture.ScreenshotFolder, $"{name}.png"), FullPage = true });

    public async ValueTask DisposeAsync() => await Page.Context.CloseAsync();
}
