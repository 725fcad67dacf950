using BazaarCstd.Contracts;
using BazaarCstd.Contracts.Alerts;
using BazaarCstd.Contracts.Events;
using BazaarCstd.Contracts.Stores;
using BazaarCstd.Web.Components.Layout;
using BazaarCstd.Web.Live;
using BazaarCstd.Web.Tests.Infrastructure;
using Bunit;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace BazaarCstd.Web.Tests.Components;

/// <summary>The navigation's alert badge over a fake API: its count, "99+", and a recount when an alert of the user's store changes.</summary>
public sealed class AlertBadgeTests : SignedInComponentTest
{
    private readonly InventoryChangeFeed _feed = new(NullLogger<InventoryChangeFeed>.Instance);
    private readonly Store _store = new(Guid.NewGuid(), "S1", "Store 1", "UTC", null, DateTimeOffset.UtcNow, DateTimeOffset.UtcNow, null);

    public AlertBadgeTests()
    {
        Context.Services.AddSingleton(_feed);
        Context.Services.AddScoped<LiveInventory>();
        Context.Services.AddSingleton<ILoggerFactory>(NullLoggerFactory.Instance);
        Context.Services.AddSingleton(typeof(ILogger<>), typeof(NullLogger<>));
    }

    [Fact]
    public void Counts_open_alerts_and_counts_again_when_one_of_the_users_stores_has_a_new_one()
    {
        Api.Answer(HttpStatusCode.OK, new Page<InventoryAlert>([Alert(1), Alert(2)], null));
        Api.Answer(HttpStatusCode.OK, new Page<Store>([_store], null));

        var badge = Context.Render<AlertBadge>();
        badge.WaitForAssertion(() => Assert.Equal("on", badge.Find("[data-testid=alert-badge]").GetAttribute("data-live")));
        Assert.Equal("2", badge.Find("[data-testid=alert-badge]").GetAttribute("data-count"));
        Assert.StartsWith("/api/inventory/alerts?status=open&", Api.Requests.First().Request.RequestUri!.PathAndQuery, StringComparison.Ordinal);

        // Another store's alert: not this user's, nothing asked. This store's: counted again.
        _feed.Publish(new InventoryChange(EventTypes.AlertOpened, Guid.NewGuid(), Guid.NewGuid()));
        Api.Answer(HttpStatusCode.OK, new Page<InventoryAlert>([Alert(1), Alert(2), Alert(3)], null));
        _feed.Publish(new InventoryChange(EventTypes.AlertOpened, _store.Id, Guid.NewGuid()));

        badge.WaitForAssertion(() => Assert.Equal("3", badge.Find("[data-testid=alert-badge]").GetAttribute("data-count")));
        Assert.Equal(3, Api.Requests.Count);
    }

    [Fact]
    public void More_than_fit_shows_as_99_plus()
    {
        Api.Answer(HttpStatusCode.OK, new Page<InventoryAlert>([.. Enumerable.Range(1, AlertBadge.CountLimit).Select(i => Alert(i))], "next"));
        Api.Answer(HttpStatusCode.OK, new Page<Store>([_store], null));

        var badge = Context.Render<AlertBadge>();

        badge.WaitForAssertion(() => Assert.Contains("99+", badge.Find("[data-testid=alert-badge]").TextContent, StringComparison.Ordinal));
    }

    private InventoryAlert Alert(long id) => new(id, _store.Id, Guid.NewGuid(), $"SKU-{id}", AlertKinds.LowStock, "warning", AlertStatuses.Open,
        2, 5, DateTimeOffset.UtcNow, DateTimeOffset.UtcNow, null, null, null);
}
