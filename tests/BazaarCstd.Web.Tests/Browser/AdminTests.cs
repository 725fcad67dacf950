using System.Net.Http.Json;
using BazaarCstd.Contracts;
using BazaarCstd.Contracts.Catalog;
using BazaarCstd.Web.Tests.Infrastructure;
using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace BazaarCstd.Web.Tests.Browser;

/// <summary>The admin pages in real Chromium: the catalog edited from the browser, and nobody else let in.</summary>
[Collection(DashboardCollection.Name)]
public sealed class AdminTests(DashboardFixture fixture)
{
    [Fact]
    public async Task An_admin_creates_a_product_and_edits_it_and_a_stale_edit_is_refused_in_words()
    {
        var tag = TestData.NewTag();
        var store = await fixture.Data.StoreAsync(tag + "S");
        var admin = await fixture.Data.UserAsync(tag, "ADMIN", store.Id);
        var sku = $"{tag}-HONEY";
        await using var session = await DashboardSession.SignInAsync(fixture, admin);
        var page = session.Page;

        await page.Locator("[data-testid=nav-admin]").ClickAsync();
        await Expect(page.Locator("[data-testid=admin-products]")).ToHaveAttributeAsync("data-state", "ready");
        await page.Locator("[data-testid=new-product]").ClickAsync();
        await page.Locator("#pf-sku").FillAsync(sku);
        await page.Locator("#pf-name").FillAsync("Forest honey 500 g");
        await page.Locator("#pf-category").FillAsync("Pantry");
        await page.Locator("#pf-price").FillAsync("6.40");
        await page.GetByRole(AriaRole.Button, new() { Name = "Save product" }).ClickAsync();
        await Expect(page.Locator("[data-testid=product-form]")).ToHaveCountAsync(0);

        await page.Locator("#admin-product-search").FillAsync(sku);
        var row = page.Locator($"tr[data-testid=product-row][data-sku='{sku}']");
        await Expect(row).ToContainTextAsync("Forest honey 500 g");
        await Expect(row).ToContainTextAsync("6.40");

        // The form reads the product (and its ETag); then another admin saves a change through the API.
        await page.GetByRole(AriaRole.Button, new() { Name = $"Edit {sku}" }).ClickAsync();
        await Expect(page.Locator("[data-testid=product-form]")).ToHaveAttributeAsync("data-state", "ready");
        await Expect(page.Locator("#pf-name")).ToHaveValueAsync("Forest honey 500 g");
        using var api = fixture.Accounts.Admin();
        var product = Assert.Single((await api.GetFromJsonAsync<Page<Product>>($"/api/products?q={sku}"))!.Items);
        using (var elsewhere = await api.PutAsJsonAsync($"/api/products/{product.Id}",
                   new ProductRequest(sku, "Forest honey 450 g", "Pantry", "each", 6.40m)))
        {
            Assert.Equal(HttpStatusCode.OK, elsewhere.StatusCode);
        }

        await page.Locator("#pf-name").FillAsync("Wildflower honey 500 g");
        await page.GetByRole(AriaRole.Button, new() { Name = "Save product" }).ClickAsync();
        await Expect(page.Locator("[data-testid=product-problem]")).ToContainTextAsync("Someone else changed this after you opened it");
        await session.ScreenshotAsync("admin-products");

        await page.Locator("[data-testid=product-reload]").ClickAsync();
        await Expect(page.Locator("#pf-name")).ToHaveValueAsync("Forest honey 450 g");
        await page.Locator("#pf-price").FillAsync("6.90");
        await page.GetByRole(AriaRole.Button, new() { Name = "Save product" }).ClickAsync();
        await Expect(page.Locator("[data-testid=product-form]")).ToHaveCountAsync(0);
        await page.Locator("#admin-product-search").FillAsync(sku);
        await Expect(row).ToContainTextAsync("Forest honey 450 g");
        await Expect(row).ToContainTextAsync("6.90");

        var saved = (await api.GetFromJsonAsync<Product>($"/api/products/{product.Id}"))!;
        Assert.Equal(("Forest honey 450 g", 6.90m), (saved.Name, saved.UnitPrice));
    }

    [Fact]
    public async Task A_manager_does_not_see_the_admin_navigation_and_is_refused_the_admin_pages()
    {
        var tag = TestData.NewTag();
        var store = await fixture.Data.StoreAsync(tag + "S");
        var manager = await fixture.Data.UserAsync(tag, "STORE_MANAGER", store.Id);
        await using var session = await DashboardSession.SignInAsync(fixture, manager);

        await Expect(session.Page.Locator("[data-testid=nav-movements]")).ToBeVisibleAsync();
        await Expect(session.Page.Locator("[data-testid=nav-admin]")).ToHaveCountAsync(0);
        foreach (var path in new[] { "/admin/products", "/admin/users" })
        {
            await session.Page.GotoAsync(path);
            await Expect(session.Page.Locator("[data-testid=not-allowed]")).ToBeVisibleAsync();
            await Expect(session.Page.Locator("[data-testid=admin-products], [data-testid=admin-users]")).ToHaveCountAsync(0);
        }

        // And the API refuses them whatever a page does.
        using var api = fixture.Accounts.As(manager, TestData.Password);
        using var users = await api.GetAsync("/api/users");
        Assert.Equal(HttpStatusCode.Forbidden, users.StatusCode);
        using var create = await api.PostAsJsonAsync("/api/products", new ProductRequest($"{tag}-NO", "Not allowed", "Test", "each", 1m));
        Assert.Equal(HttpStatusCode.Forbidden, create.StatusCode);
    }
}
