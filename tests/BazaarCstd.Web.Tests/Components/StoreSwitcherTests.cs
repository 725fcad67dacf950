using BazaarCstd.Contracts;
using BazaarCstd.Contracts.Stores;
using BazaarCstd.Web.Components.Shared;
using BazaarCstd.Web.Tests.Infrastructure;
using Bunit;
using Microsoft.AspNetCore.Components;

namespace BazaarCstd.Web.Tests.Components;

/// <summary>The store switcher without a browser: it asks the API as the user types (debounced), lists the answer, and pages on.</summary>
public sealed class StoreSwitcherTests : SignedInComponentTest
{
    private readonly List<Store?> _chosen = [];

    [Fact]
    public async Task Typing_asks_the_api_once_for_the_last_text_and_choosing_a_store_reports_it()
    {
        var harbour = NewStore("HB-01", "Harbour road");
        Api.Answer(HttpStatusCode.OK, new Page<Store>([harbour], null));
        // A second: at 100 ms, a test host descheduled between two keystrokes on a busy machine sent
        // "h" as well (CI-like run, 2026-12-03 21:40), and the one queued answer went to it.
        var switcher = RenderSwitcher(debounce: 1000);
        var input = switcher.Find("#store");

        // Three keystrokes inside the debounce interval: only the last text reaches the API.
        var typed = new[] { "h", "ha", "har" }.Select(text => input.InputAsync(new ChangeEventArgs { Value = text })).ToList();
        await Task.WhenAll(typed);

        switcher.WaitForAssertion(() => Assert.Single(switcher.FindAll("[data-testid=store-option]")));
        var (request, _) = Assert.Single(Api.Requests);
        Assert.Equal("/api/stores", request.RequestUri!.AbsolutePath);
        Assert.Equal($"?q=har&limit={StoreSwitcher.PageSize}", request.RequestUri.Query);
        Assert.Equal("true", switcher.Find("#store").GetAttribute("aria-expanded"));

        await switcher.Find("[data-testid=store-option]").ClickAsync(new Microsoft.AspNetCore.Components.Web.MouseEventArgs());

        Assert.Equal([harbour], _chosen);
        Assert.Equal("HB-01 · Harbour road", switcher.Find("#store").GetAttribute("value"));
        Assert.Empty(switcher.FindAll("[role=listbox]"));
    }

    [Fact]
    public async Task The_list_asks_for_the_next_page_by_cursor_and_says_when_nothing_matches()
    {
        var first = Enumerable.Range(1, StoreSwitcher.PageSize).Select(i => NewStore($"S{i:0000}", $"Store {i}")).ToList();
        Api.Answer(HttpStatusCode.OK, new Page<Store>(first, "next-page"));
        Api.Answer(HttpStatusCode.OK, new Page<Store>([NewStore("S0101", "Store 101")], null));
        var switcher = RenderSwitcher(debounce: 0);

        await switcher.Find("#store").InputAsync(new ChangeEventArgs { Value = "s" });

        // bUnit's Virtualize shows every row, so the list reads on to the end of the API's pages.
        switcher.WaitForAssertion(() => Assert.Equal(StoreSwitcher.PageSize + 1, switcher.FindAll("[data-testid=store-option]").Count));
        Assert.Equal(2, Api.Requests.Count);
        Assert.Contains("cursor=next-page", Api.Requests.Last().Request.RequestUri!.Query, StringComparison.Ordinal);

        Api.Answer(HttpStatusCode.OK, new Page<Store>([], null));
        await switcher.Find("#store").InputAsync(new ChangeEventArgs { Value = "zz" });

        switcher.WaitForAssertion(() => Assert.Equal("No store matches.", switcher.Find("[data-testid=store-option-none]").TextContent.Trim()));
        Assert.Contains("q=zz", Api.Requests.Last().Request.RequestUri!.Query, StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_keyboard_moves_through_all_stores_and_the_answer_and_enter_chooses()
    {
        var first = NewStore("K-01", "Kiosk one");
        Api.Answer(HttpStatusCode.OK, new Page<Store>([first, NewStore("K-02", "Kiosk two")], null));
        var switcher = RenderSwitcher(debounce: 0);
        await switcher.Find("#store").InputAsync(new ChangeEventArgs { Value = "k" });
        switcher.WaitForAssertion(() => Assert.Equal(2, switcher.FindAll("[data-testid=store-option]").Count));

        await switcher.Find("#store").KeyDownAsync(new Microsoft.AspNetCore.Components.Web.KeyboardEventArgs { Key = "ArrowDown" });
        Assert.Equal("store-all", switcher.Find("#store").GetAttribute("aria-activedescendant"));
        await switcher.Find("#store").KeyDownAsync(new Microsoft.AspNetCore.Components.Web.KeyboardEventArgs { Key = "ArrowDown" });
        Assert.Equal("store-option-0", switcher.Find("#store").GetAttribute("aria-activedescendant"));
        await switcher.Find("#store").KeyDownAsync(new Microsoft.AspNetCore.Components.Web.KeyboardEventArgs { Key = "Enter" });

        Assert.Equal([first], _chosen);
        Assert.Equal("false", switcher.Find("#store").GetAttribute("aria-expanded"));
    }

    private IRenderedComponent<StoreSwitcher> RenderSwitcher(int debounce) =>
        Context.Render<StoreSwitcher>(parameters => parameters
            .Add(p => p.InputId, "store")
            .Add(p => p.DebounceMilliseconds, debounce)
            .Add(p => p.ValueChanged, (Store? store) => _chosen.Add(store)));

    private static Store NewStore(string code, string name) =>
        new(Guid.NewGuid(), code, name, "UTC", null, DateTimeOffset.UtcNow, DateTimeOffset.UtcNow, null);
}
