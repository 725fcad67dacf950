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
public sealed class OverviewPageTests : SignedInComponentTest
{

    public OverviewPageTests()
    {
        Context.Services.AddSingleton(TimeProvider.System);
        Context.Renderer.SetRendererInfo(new Microsoft.AspNetCore.Components.RendererInfo("Server", true));
    }

    [Fact]
    public void Counts_low_shelves_and_shows_todays_units_against_last_week()
    {
        var store = new Store(Guid.NewGuid(), "S1", "Store 1", "UTC", null, DateTimeOffset.UtcNow, DateTimeOffset.UtcNow, null);
        var today = DateOnly.FromDateTime(DateTime.UtcNow);
        Api.Answer(HttpStatusCode.OK, new Page<Store>([store], null));
        Api.Answer(HttpStatusCode.OK, new Page<StockRow>(
        [
            new StockRow(store.Id, "S1", Guid.NewGuid(), "SOAP-1", "Soap", "each", 0, 5, null),
            new StockRow(store.Id, "S1", Guid.NewGuid(), "SALT-1", "Salt", "each", 2, 5, null),
            new StockRow(store.Id, "S1", Guid.NewGuid(), "OIL-1", "Oil", "each", 1, 5, null),
        ], null));
        Api.Answer(HttpStatusCode.OK, new SalesReport(null, today.AddDays(-29), today,
            [.. Enumerable.Range(0, 30).Select(i => new SalesDay(today.AddDays(i - 29), i == 29 ? 15 : i == 22 ? 12 : 1, 1))]));
        Api.Answer(HttpStatusCode.OK, new Page<Movement>([], null));

        var page = Context.Render<Overview>();

        page.WaitForAssertion(() => Assert.Equal("15", page.Find("[data-testid=sold-today-units]").TextContent.Trim()));
        Assert.Contains("12 on", page.Find("[data-testid=sold-last-week]").TextContent, StringComparison.Ordinal);
        Assert.Contains("(+25 %)", page.Find("[data-testid=sold-last-week]").TextContent, StringComparison.Ordinal);
        Assert.Equal("1", page.Find("[data-testid=out-of-stock-count]").TextContent.Trim());
        Assert.Equal("2", page.Find("[data-testid=below-reorder-count]").TextContent.Trim());
        Assert.Equal(30, page.FindAll("tr[data-testid=sales-day]").Count);
    }
}
