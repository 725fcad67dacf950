using System.Security.Claims;
using BazaarCstd.Contracts.Stock;
using BazaarCstd.Web.Auth;
using BazaarCstd.Web.Components.Stock;
using BazaarCstd.Web.Services;
using BazaarCstd.Web.Tests.Infrastructure;
using Bunit;
using Microsoft.AspNetCore.Components.Authorization;
using Microsoft.Extensions.DependencyInjection;
using MudBlazor.Services;

namespace BazaarCstd.Web.Tests.Components;

/// <summary>The quick-entry form without a browser: what it sends, what it shows, and what it refuses to send.</summary>
public sealed class QuickEntryFormTests : SignedInComponentTest
{
    private static readonly StockRow s_row = new(
        Guid.NewGuid(), "S1", Guid.NewGuid(), "TEA-1", "Green tea", "each", 6, 5, DateTimeOffset.UtcNow);

    private readonly List<StockLevel> _recorded = [];

    [Theory]
    [InlineData(false, 3)]
    [InlineData(true, 4)]
    public void Count_is_offered_only_to_those_who_may_count(bool canCount, int kinds)
    {
        var form = RenderForm(canCount);

        Assert.Equal(kinds, form.FindAll("input[type=radio]").Count);
        Assert.Equal(canCount, form.Markup.Contains("Count", StringComparison.Ordinal));
    }

    [Fact]
    public async Task A_submit_without_a_quantity_is_explained_and_sends_nothing()
    {
        var form = RenderForm();

        await form.Find("form").SubmitAsync();

        Assert.Equal("Enter a quantity.", form.Find("[data-testid=quick-entry-problem]").TextContent.Trim());
        Assert.Empty(Api.Requests);
    }

    [Fact]
    public async Task A_double_submit_records_once_with_an_idempotency_key()
    {
        var form = RenderForm();
        await form.Find("#qe-quantity").InputAsync(new Microsoft.AspNetCore.Components.ChangeEventArgs { Value = "4" });
        Api.Gate = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        Api.Answer(HttpStatusCode.Created, Recorded(10));

        var first = form.Find("form").SubmitAsync();
        await form.Find("form").SubmitAsync(); // while the first is still waiting for the API
        Api.Gate.SetResult();
        await first;

        var (request, body) = Assert.Single(Api.Requests);
        Assert.Equal("/api/stock/add", request.RequestUri!.AbsolutePath);
        Assert.True(request.Headers.TryGetValues("Idempotency-Key", out var keys) && keys.Single().Length > 0);
        Assert.Contains("\"quantity\":4", body, StringComparison.Ordinal);
        form.WaitForAssertion(() => Assert.Equal(10m, Assert.Single(_recorded).OnHand));
    }

    [Fact]
    public async Task An_oversell_is_shown_in_words_and_the_next_try_is_a_new_entry()
    {
        var form = RenderForm();
        await form.FindAll("input[type=radio]")[1].ClickAsync(new Microsoft.AspNetCore.Components.Web.MouseEventArgs()); // Stock in, Sale, …
        await form.Find("#qe-quantity").InputAsync(new Microsoft.AspNetCore.Components.ChangeEventArgs { Value = "9" });
        Api.Answer(HttpStatusCode.Conflict, new
        {
            type = "https://bazaar.example/problems/insufficient-stock",
            title = "Insufficient stock.",
            status = 409,
            detail = "Line 1: 9 of TEA-1 requested, 6 available.",
            available = 6,
            requested = 9,
        }, "application/problem+json");
        Api.Answer(HttpStatusCode.Created, Recorded(0));

        await form.Find("form").SubmitAsync();
        form.WaitForAssertion(() => Assert.Equal(
            "Not enough stock: 6 available, 9 requested.", form.Find("[data-testid=quick-entry-problem]").TextContent.Trim()));
        Assert.Empty(_recorded);

        await form.Find("#qe-quantity").InputAsync(new Microsoft.AspNetCore.Components.ChangeEventArgs { Value = "6" });
        await form.Find("form").SubmitAsync();

        var keys = Api.Requests.Select(r => r.Request.Headers.GetValues("Idempotency-Key").Single()).ToList();
        Assert.Equal(2, keys.Count);
        Assert.NotEqual(keys[0], keys[1]); // a corrected entry is not refused as a reused key
        Assert.All(Api.Requests, r => Assert.Equal("/api/stock/sale", r.Request.RequestUri!.AbsolutePath));
    }

    [Fact]
    public async Task A_removal_needs_a_reason_before_anything_is_sent()
    {
        var host = Context.Render(builder =>
        {
            builder.OpenComponent<MudBlazor.MudPopoverProvider>(0);
            builder.CloseComponent();
            builder.OpenComponent<QuickEntryForm>(1);
            builder.AddAttribute(2, nameof(QuickEntryForm.Row), s_row);
            builder.CloseComponent();
        });
        await host.FindAll("input[type=radio]")[2].ClickAsync(new Microsoft.AspNetCore.Components.Web.MouseEventArgs()); // Removal
        await host.Find("#qe-quantity").InputAsync(new Microsoft.AspNetCore.Components.ChangeEventArgs { Value = "1" });

        await host.Find("form").SubmitAsync();

        Assert.Equal("Choose a reason for the removal.", host.Find("[data-testid=quick-entry-problem]").TextContent.Trim());
        Assert.Empty(Api.Requests);
    }

    [Fact]
    public async Task A_session_the_api_no_longer_accepts_goes_to_sign_in_with_a_message()
    {
        var form = RenderForm();
        await form.Find("#qe-quantity").InputAsync(new Microsoft.AspNetCore.Components.ChangeEventArgs { Value = "1" });
        Api.Answer(HttpStatusCode.Unauthorized, new { title = "Not signed in." }, "application/problem+json");

        await form.Find("form").SubmitAsync();

        var navigation = Context.Services.GetRequiredService<Microsoft.AspNetCore.Components.NavigationManager>();
        Assert.EndsWith("/account/expired", navigation.Uri, StringComparison.Ordinal);
    }

    private IRenderedComponent<QuickEntryForm> RenderForm(bool canCount = true) =>
        Context.Render<QuickEntryForm>(parameters => parameters
            .Add(p => p.Row, s_row)
            .Add(p => p.CanCount, canCount)
            .Add(p => p.OnRecorded, (StockLevel level) => _recorded.Add(level)));

    private static MovementResult Recorded(decimal onHand) => new(
        new Movement(1, s_row.StoreId, s_row.ProductId, s_row.Sku, "stock_in", 4, 4, null, null, null,
            DateTimeOffset.UtcNow, DateTimeOffset.UtcNow, null, Guid.NewGuid()),
        new StockLevel(s_row.StoreId, s_row.ProductId, onHand, 2));
}
