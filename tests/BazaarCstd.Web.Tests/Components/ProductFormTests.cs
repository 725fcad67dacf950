using BazaarCstd.Contracts.Catalog;
using BazaarCstd.Web.Components.Admin;
using BazaarCstd.Web.Services;
using BazaarCstd.Web.Tests.Infrastructure;
using Bunit;
using Microsoft.AspNetCore.Components;

namespace BazaarCstd.Web.Tests.Components;

/// <summary>The admin product form without a browser: what it sends with If-Match and how a stale edit reads.</summary>
public sealed class ProductFormTests : SignedInComponentTest
{
    private static readonly Product s_product = new(
        Guid.NewGuid(), "TEA-1", "Green tea", null, "Drinks", "each", 2.50m, null, 5, DateTimeOffset.UtcNow, DateTimeOffset.UtcNow, null);

    private readonly List<Product> _saved = [];

    [Fact]
    public async Task A_stale_edit_is_refused_in_words_and_saves_after_reloading_their_version()
    {
        Api.Answer(HttpStatusCode.OK, s_product, etag: "\"v1\"");
        var form = RenderForm(s_product.Id);
        form.WaitForAssertion(() => Assert.Equal("Green tea", form.Find("#pf-name").GetAttribute("value")));

        await form.Find("#pf-name").InputAsync(new ChangeEventArgs { Value = "Green tea, loose" });
        Api.Answer(HttpStatusCode.PreconditionFailed, new
        {
            type = "https://bazaar.example/problems/precondition-failed",
            title = "Precondition failed.",
            status = 412,
            detail = $"Product {s_product.Id} has changed since that ETag was read; GET it again and reapply your change.",
        }, "application/problem+json");
        await form.Find("form").SubmitAsync();

        form.WaitForAssertion(() => Assert.Equal(ProblemText.StaleEdit, form.Find("[data-testid=product-problem]").TextContent.Trim()));
        Assert.Empty(_saved);
        var (put, body) = Api.Requests.Last();
        Assert.Equal(HttpMethod.Put, put.Method);
        Assert.Equal("\"v1\"", put.Headers.IfMatch.Single().ToString());
        Assert.Contains("\"name\":\"Green tea, loose\"", body, StringComparison.Ordinal);
        var firstKey = put.Headers.GetValues("Idempotency-Key").Single();

        // Their version replaces the form; saving again sends its ETag and a new key.
        Api.Answer(HttpStatusCode.OK, s_product with { Name = "Green tea 100 g" }, etag: "\"v2\"");
        await form.Find("[data-testid=product-reload]").ClickAsync(new Microsoft.AspNetCore.Components.Web.MouseEventArgs());
        form.WaitForAssertion(() => Assert.Equal("Green tea 100 g", form.Find("#pf-name").GetAttribute("value")));
        Assert.Empty(form.FindAll("[data-testid=product-reload]"));

        Api.Answer(HttpStatusCode.OK, s_product with { Name = "Green tea 100 g", UnitPrice = 2.75m }, etag: "\"v3\"");
        await form.Find("#pf-price").InputAsync(new ChangeEventArgs { Value = "2.75" });
        await form.Find("form").SubmitAsync();

        form.WaitForAssertion(() => Assert.Single(_saved));
        var (again, _) = Api.Requests.Last();
        Assert.Equal("\"v2\"", again.Headers.IfMatch.Single().ToString());
        Assert.NotEqual(firstKey, again.Headers.GetValues("Idempotency-Key").Single());
        Assert.Empty(form.FindAll("[data-testid=product-problem]"));
    }

    [Fact]
    public async Task A_new_product_is_posted_without_if_match_and_a_taken_sku_reads_as_a_sentence()
    {
        var form = RenderForm(null);
        await form.Find("#pf-sku").InputAsync(new ChangeEventArgs { Value = "TEA-1" });
        await form.Find("#pf-name").InputAsync(new ChangeEventArgs { Value = "Green tea" });

        await form.Find("form").SubmitAsync();
        Assert.Equal("Enter a category.", form.Find("[data-testid=product-problem]").TextContent.Trim());
        Assert.Empty(Api.Requests);

        await form.Find("#pf-category").InputAsync(new ChangeEventArgs { Value = "Drinks" });
        await form.Find("#pf-price").InputAsync(new ChangeEventArgs { Value = "2.5" });
        Api.Answer(HttpStatusCode.Conflict, new
        {
            type = "https://bazaar.example/problems/duplicate-sku",
            title = "SKU already in use.",
            status = 409,
            detail = "SKU 'TEA-1' already exists (SKUs are unique chain-wide, ignoring case).",
        }, "application/problem+json");
        await form.Find("form").SubmitAsync();

        form.WaitForAssertion(() => Assert.Equal(
            "SKU 'TEA-1' already exists (SKUs are unique chain-wide, ignoring case).", form.Find("[data-testid=product-problem]").TextContent.Trim()));
        var (post, body) = Assert.Single(Api.Requests);
        Assert.Equal(HttpMethod.Post, post.Method);
        Assert.Equal("/api/products", post.RequestUri!.AbsolutePath);
        Assert.Empty(post.Headers.IfMatch);
        Assert.True(post.Headers.TryGetValues("Idempotency-Key", out var keys) && keys.Single().Length > 0);
        Assert.Contains("\"unit\":\"each\"", body, StringComparison.Ordinal);
        Assert.Contains("\"unitPrice\":2.5", body, StringComparison.Ordinal);
    }

    private IRenderedComponent<ProductForm> RenderForm(Guid? productId)
    {
        var host = Context.Render(builder =>
        {
            builder.OpenComponent<MudBlazor.MudPopoverProvider>(0);
            builder.CloseComponent();
            builder.OpenComponent<ProductForm>(1);
            builder.AddAttribute(2, nameof(ProductForm.ProductId), productId);
            builder.AddAttribute(3, nameof(ProductForm.OnSaved), EventCallback.Factory.Create<Product>(this, p => _saved.Add(p)));
            builder.CloseComponent();
        });
        return host.FindComponent<ProductForm>();
    }
}
