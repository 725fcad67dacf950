using System.Security.Claims;
using BazaarCstd.Contracts;
using BazaarCstd.Contracts.Reports;
using BazaarCstd.Contracts.Stock;
using BazaarCstd.Contracts.Stores;
using BazaarCstd.Web.Auth;
using BazaarCstd.Web.Components.Pages;
using BazaarCstd.Web.Services;
using BazaarCstd.Web.Tests.Infrastructure;
using Bunit;
using Microsoft.AspNetCore.Components.Authorization;
using Microsoft.Extensions.DependencyInjection;
using MudBlazor.Services;

namespace BazaarCstd.Web.Tests.Components;

/// <summary>The overview page over a fake API: the figures it shows from what the API answered.</summary>
public sealed class OverviewPageTests : IAsyncLifetime
{
    private readonly BunitContext _context = new();
    private readonly FakeApi _api = new();

    public OverviewPageTests()
    {
        _context.JSInterop.Mode = JSRuntimeMode.Loose;
        _context.Services.AddMudServices();
        _context.Services.AddSingleton(TimeProvider.System);
        var authorization = _context.AddAuthorization();
        authorization.SetAuthorized("manager@test");
        authorization.SetClaims(new Claim(SessionClaims.Session, "session-1"));
        _context.Services.AddScoped(sp => new InventoryApiClient(_api.Client(), sp.GetRequiredService<AuthenticationStateProvider>()));
        _context.Renderer.SetRendererInfo(new Microsoft.AspNetCore.Components.RendererInfo("Server", true));
    }

    [Fact]
    public void Counts_low_shelves_and_shows_todays_units_against_last_week()
    {
        var store = new Store(Guid.NewGuid(), "S1", "Store 1", "UTC", null, DateTimeOffset.UtcNow, DateTimeOffset.UtcNow, null);
        var today = DateOnly.FromDateTime(DateTime.UtcNow);
        _api.Answer(HttpStatusCode.OK, new Page<Store>([store], null));
        _api.Answer(HttpStatusCode.OK, new Page<StockRow>(
        [
            new StockRow(store.Id, "S1", Guid.NewGuid(), "SOAP-1", "Soap", "each", 0, 5, null),
            new StockRow(store.Id, "S1", Guid.NewGuid(), "SALT-1", "Salt", "each", 2, 5, null),
            new StockRow(store.Id, "S1", Guid.NewGuid(), "OIL-1", "Oil", "each", 1, 5, null),
        ], null));
        _api.Answer(HttpStatusCode.OK, new SalesReport(null, today.AddDays(-29), today,
            [.. Enumerable.Range(0, 30).Select(i => new SalesDay(today.AddDays(i - 29), i == 29 ? 15 : i == 22 ? 12 : 1, 1))]));
        _api.Answer(HttpStatusCode.OK, new Page<Movement>([], null));

        var page = _context.Render<Overview>();

        page.WaitForAssertion(() => Assert.Equal("15", page.Find("[data-testid=sold-today-units]").TextContent.Trim()));
        Assert.Contains("12 on", page.Find("[data-testid=sold-last-week]").TextContent, StringComparison.Ordinal);
        Assert.Contains("(+25 %)", page.Find("[data-testid=sold-last-week]").TextContent, StringComparison.Ordinal);
        Assert.Equal("1", page.Find("[data-testid=out-of-stock-count]").TextContent.Trim());
        Assert.Equal("2", page.Find("[data-testid=below-reorder-count]").TextContent.Trim());
        Assert.Equal(30, page.FindAll("tr[data-testid=sales-day]").Count);
    }

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync() => await _context.DisposeAsync();
}
