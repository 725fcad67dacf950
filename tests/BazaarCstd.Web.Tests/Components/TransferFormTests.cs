using System.Security.Claims;
using BazaarCstd.Contracts.Stock;
using BazaarCstd.Contracts.Stores;
using BazaarCstd.Web.Auth;
using BazaarCstd.Web.Components.Stock;
using BazaarCstd.Web.Services;
using BazaarCstd.Web.Tests.Infrastructure;
using Bunit;
using Microsoft.AspNetCore.Components;
using Microsoft.AspNetCore.Components.Authorization;
using Microsoft.Extensions.DependencyInjection;
using MudBlazor.Services;

namespace BazaarCstd.Web.Tests.Components;

/// <summary>The transfer form without a browser: what it refuses to send, what it sends, and how a refusal reads.</summary>
public sealed class TransferFormTests : SignedInComponentTest
{
    private static readonly Store s_from = NewStore("FROM");
    private static readonly Store s_to = NewStore("TO");

    private readonly List<DocumentResult> _transferred = [];

    [Fact]
    public async Task The_same_store_on_both_sides_is_explained_and_sends_nothing()
    {
        var form = RenderForm();
        await form.Find("#tr-from").ChangeAsync(new ChangeEventArgs { Value = s_from.Id.ToString() });
        await form.Find("#tr-to").ChangeAsync(new ChangeEventArgs { Value = s_from.Id.ToString() });
        await FillLineAsync(form, "OIL-1", "2");

        await form.Find("form").SubmitAsync();

        Assert.Equal("The two stores must differ.", form.Find("[data-testid=transfer-problem]").TextContent.Trim());
        Assert.Empty(Api.Requests);
    }

    [Fact]
    public async Task A_double_submit_transfers_once_with_the_lines_and_an_idempotency_key()
    {
        var form = await FilledFormAsync();
        Api.Gate = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        Api.Answer(HttpStatusCode.Created, new DocumentResult(Guid.NewGuid(), [], []));

        var first = form.Find("form").SubmitAsync();
        await form.Find("form").SubmitAsync(); // while the first is still waiting for the API
        Api.Gate.SetResult();
        await first;

        var (request, body) = Assert.Single(Api.Requests);
        Assert.Equal("/api/stock/transfer", request.RequestUri!.AbsolutePath);
        Assert.True(request.Headers.TryGetValues("Idempotency-Key", out var keys) && keys.Single().Length > 0);
        Assert.Contains($"\"fromStoreId\":\"{s_from.Id}\"", body, StringComparison.Ordinal);
        Assert.Contains($"\"toStoreId\":\"{s_to.Id}\"", body, StringComparison.Ordinal);
        Assert.Contains("\"sku\":\"OIL-1\",\"quantity\":2", body, StringComparison.Ordinal);
        form.WaitForAssertion(() => Assert.Single(_transferred));
    }

    [Fact]
    public async Task A_short_shelf_is_shown_in_words_and_the_corrected_transfer_gets_a_new_key()
    {
        var form = await FilledFormAsync();
        Api.Answer(HttpStatusCode.Conflict, new
        {
            type = "https://bazaar.example/problems/insufficient-stock",
            title = "Insufficient stock.",
            status = 409,
            available = 1,
            requested = 2,
        }, "application/problem+json");
        Api.Answer(HttpStatusCode.Created, new DocumentResult(Guid.NewGuid(), [], []));

        await form.Find("form").SubmitAsync();
        form.WaitForAssertion(() => Assert.Equal(
            "Not enough stock: 1 available, 2 requested.", form.Find("[data-testid=transfer-problem]").TextContent.Trim()));
        Assert.Empty(_transferred);

        await form.Find("#tr-qty-1").InputAsync(new ChangeEventArgs { Value = "1" });
        await form.Find("form").SubmitAsync();

        var keys = Api.Requests.Select(r => r.Request.Headers.GetValues("Idempotency-Key").Single()).ToList();
        Assert.Equal(2, keys.Count);
        Assert.NotEqual(keys[0], keys[1]);
        form.WaitForAssertion(() => Assert.Single(_transferred));
    }

    [Theory]
    [InlineData(null, "2", "Add at least one product line with a SKU.")]
    [InlineData("OIL-1", null, "Enter a quantity above zero for OIL-1.")]
    [InlineData("OIL-1", "0", "Enter a quantity above zero for OIL-1.")]
    public void A_draft_says_what_is_missing(string? sku, string? quantity, string expected)
    {
        var draft = new TransferDraft { FromStoreId = s_from.Id, ToStoreId = s_to.Id };
        draft.Lines[0].Sku = sku;
        draft.Lines[0].Quantity = quantity is null ? null : decimal.Parse(quantity, System.Globalization.CultureInfo.InvariantCulture);

        Assert.Equal(expected, draft.Validate());
    }

    [Fact]
    public void A_draft_refuses_one_sku_on_two_lines_and_sends_only_filled_lines()
    {
        var draft = new TransferDraft { FromStoreId = s_from.Id, ToStoreId = s_to.Id };
        draft.Lines[0].Sku = "OIL-1";
        draft.Lines[0].Quantity = 2;
        draft.Lines.Add(new TransferLineDraft { Sku = " oil-1 ", Quantity = 1 });
        Assert.Equal("OIL-1 is on two lines: put its whole quantity on one.", draft.Validate());

        draft.Lines[1].Sku = "SALT-1";
        draft.Lines.Add(new TransferLineDraft()); // an empty line left at the end
        Assert.Null(draft.Validate());
        Assert.Equal(["OIL-1", "SALT-1"], draft.ToRequest().Lines!.Select(l => l.Sku));
    }

    private IRenderedComponent<TransferForm> RenderForm() =>
        Context.Render<TransferForm>(parameters => parameters
            .Add(p => p.Stores, [s_from, s_to])
            .Add(p => p.OnTransferred, (DocumentResult result) => _transferred.Add(result)));

    private async Task<IRenderedComponent<TransferForm>> FilledFormAsync()
    {
        var form = RenderForm();
        await form.Find("#tr-from").ChangeAsync(new ChangeEventArgs { Value = s_from.Id.ToString() });
        await form.Find("#tr-to").ChangeAsync(new ChangeEventArgs { Value = s_to.Id.ToString() });
        await FillLineAsync(form, "OIL-1", "2");
        return form;
    }

    private static async Task FillLineAsync(IRenderedComponent<TransferForm> form, string sku, string quantity)
    {
        await form.Find("#tr-sku-1").InputAsync(new ChangeEventArgs { Value = sku });
        await form.Find("#tr-qty-1").InputAsync(new ChangeEventArgs { Value = quantity });
    }

    private static Store NewStore(string code) =>
        new(Guid.NewGuid(), code, $"Store {code}", "Europe/Berlin", null, DateTimeOffset.UtcNow, DateTimeOffset.UtcNow, null);
}
