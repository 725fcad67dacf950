using BazaarCstd.Contracts;
using BazaarCstd.Web.Tests.Infrastructure;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace BazaarCstd.Web.Tests.Browser;

/// <summary>
/// The API goes away under an open page (every replica stopped, as an operator or a crash would):
/// the page says so in a banner instead of failing, and when the API is back the banner goes and
/// the grid fills again without a reload.
/// </summary>
[Collection(DashboardCollection.Name)]
public sealed class ApiOutageTests(DashboardFixture fixture)
{
    private static readonly LocatorAssertionsToBeVisibleOptions Outage = new() { Timeout = 60_000 };

    [Fact]
    public async Task With_the_api_down_the_page_shows_a_banner_and_carries_on_when_it_is_back()
    {
        var tag = TestData.NewTag();
        var store = await fixture.Data.StoreAsync(tag + "S");
        var product = await fixture.Data.ProductAsync($"{tag}-RICE", "Basmati rice");
        await fixture.Data.StockInAsync(store.Id, product.Id, 9);
        var email = await fixture.Data.UserAsync(tag, "STORE_MANAGER", store.Id);
        await using var session = await DashboardSession.SignInAsync(fixture, email);
        await session.SearchAsync(tag);
        await Expect(session.OnHand(product.Sku, store.Code)).ToContainTextAsync("9 each");
        var banner = session.Page.Locator("[data-testid=api-down]");
        await Expect(banner).ToHaveCountAsync(0);

        var api = await fixture.Runner.InstancesAsync(ResourceNames.Api);
        try
        {
            await RunAsync(api, KnownResourceCommands.StopCommand, e => e.Snapshot.State?.Text is { } state && state != KnownResourceStates.Running);

            // The next thing the page asks the API fails: a banner, and the grid's own message in words.
            await session.Page.Locator("#stock-search").FillAsync(product.Sku);
            await Expect(banner).ToBeVisibleAsync(Outage);
            await Expect(session.Page.Locator("[data-testid=grid-problem]")).ToContainTextAsync("cannot be reached");
        }
        finally
        {
            await RunAsync(api, KnownResourceCommands.StartCommand, e => e.Snapshot.HealthStatus == HealthStatus.Healthy);
        }

        // Nobody touches the page: it notices the API is back and loads the grid again (the failed
        // search's message goes only with a load that worked).
        await Expect(banner).ToHaveCountAsync(0, new() { Timeout = 60_000 });
        await Expect(session.Page.Locator("[data-testid=grid-problem]")).ToHaveCountAsync(0);
        await Expect(session.OnHand(product.Sku, store.Code)).ToContainTextAsync("9 each");
    }

    /// <summary>Runs a resource command on every API replica, then waits until each is in the state it leads to.</summary>
    private async Task RunAsync(string[] replicas, string command, Func<ResourceEvent, bool> reached)
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(120));
        foreach (var id in replicas)
        {
            var result = await fixture.App.ResourceCommands.ExecuteCommandAsync(id, command, timeout.Token);
            Assert.True(result.Success, $"{command} on {id}: {result.Message}");
        }

        await fixture.Runner.InstancesAsync(ResourceNames.Api, reached, timeout.Token);
    }
}
