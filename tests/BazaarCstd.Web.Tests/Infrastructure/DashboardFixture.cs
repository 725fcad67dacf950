using BazaarCstd.Contracts;
using Microsoft.Playwright;

namespace BazaarCstd.Web.Tests.Infrastructure;

/// <summary>
/// The one running app of this assembly (the real AppHost: PostgreSQL, Redis, RabbitMQ, API, Web)
/// and one headless Debian Chromium driven by Playwright. Each test opens its own browser context
/// (its own cookies) and makes its own stores, products and users through the API. One API replica:
/// the dashboard's behaviour does not depend on how many there are, and these tests run beside the
/// integration tests on two cores.
/// </summary>
public sealed class DashboardFixture() : AppFixture(new Dictionary<string, string> { ["Bazaar:ApiReplicas"] = "1" })
{
    /// <summary>Debian's Chromium; Playwright's own browser download cannot work on these machines.</summary>
    public const string ChromiumPath = "/usr/bin/chromium";

    private IPlaywright? _playwright;
    private IBrowser? _browser;

    public IBrowser Browser => _browser ?? throw new InvalidOperationException("The browser has not started.");

    public Uri WebAddress => App.GetEndpoint(ResourceNames.Web, "http");

    /// <summary>
    /// Where the tests leave screenshots of the pages they saw: the repository's <c>docs/screenshots/</c>,
    /// which the README shows, so every run refreshes them (the test output folder when the tests run
    /// outside a clone).
    /// </summary>
    public static string ScreenshotFolder { get; } = Directory.CreateDirectory(FindScreenshotFolder()).FullName;

    public TestData Data => new(Accounts);

    private static string FindScreenshotFolder()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "BazaarCstd.sln")))
            {
                return Path.Combine(dir.FullName, "docs", "screenshots");
            }
        }

        return Path.Combine(AppContext.BaseDirectory, "screenshots");
    }

    protected override async Task OnStartedAsync()
    {
        if (!File.Exists(ChromiumPath))
        {
            throw new InvalidOperationException($"{ChromiumPath} is missing: run scripts/bootstrap.sh (it installs the Debian 'chromium' package).");
        }

        _playwright = await Playwright.CreateAsync();

        // Expect(...) retries until its condition holds; Playwright gives up after 5 s by default,
        // which a page reloading under a busy 2-core machine's load (the suite runs two lanes) can
        // miss. The tests that time something (live updates within 2 s) pass their own timeout.
        Assertions.SetDefaultExpectTimeout(15_000);
        _browser = await _playwright.Chromium.LaunchAsync(new BrowserTypeLaunchOptions
        {
            ExecutablePath = ChromiumPath,
            Headless = true,
            Args =
            [
                "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                "--disable-background-networking", "--disable-component-update", "--disable-sync",
            ],
        });
    }

    /// <summary>A fresh browser context (no cookies) with one page on the dashboard.</summary>
    public async Task<IPage> NewPageAsync()
    {
        var context = await Browser.NewContextAsync(new BrowserNewContextOptions
        {
            BaseURL = WebAddress.ToString().TrimEnd('/'),
            ViewportSize = new ViewportSize { Width = 1280, Height = 900 },
        });
        context.SetDefaultTimeout(20_000);
        return await context.NewPageAsync();
    }

    public override async Task DisposeAsync()
    {
        if (_browser is not null)
        {
            await _browser.CloseAsync();
        }

        _playwright?.Dispose();
        await base.DisposeAsync();
    }
}

[CollectionDefinition(Name)]
public sealed class DashboardCollection : ICollectionFixture<DashboardFixture>
{
    public const string Name = "dashboard";
}
