using BazaarCstd.Web.Tests.Infrastructure;
using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace BazaarCstd.Web.Tests.Browser;

/// <summary>Signing in and out of the dashboard in real Chromium, against the real app.</summary>
[Collection(DashboardCollection.Name)]
public sealed class SignInTests(DashboardFixture fixture)
{
    [Theory]
    [InlineData("/")]
    [InlineData("/inventory")]
    [InlineData("/history/00000000-0000-0000-0000-000000000001/00000000-0000-0000-0000-000000000002")]
    public async Task An_anonymous_visitor_is_sent_to_sign_in(string path)
    {
        var page = await fixture.NewPageAsync();
        try
        {
            await page.GotoAsync(path);

            await Expect(page).ToHaveURLAsync(DashboardSession.SignInUrl());
            await Expect(page.Locator("#email")).ToBeVisibleAsync();
            await Expect(page.Locator("[data-testid=stock-grid]")).ToHaveCountAsync(0);
        }
        finally
        {
            await page.Context.CloseAsync();
        }
    }

    [Fact]
    public async Task The_home_page_of_an_anonymous_visitor_is_sign_in_showing_whether_the_api_is_up()
    {
        using var http = fixture.App.CreateHttpClient(BazaarCstd.Contracts.ResourceNames.Web);
        using var response = await http.GetAsync("/");
        var html = await response.Content.ReadAsStringAsync();

        Assert.Equal("/signin", response.RequestMessage!.RequestUri!.AbsolutePath);
        Assert.Contains("data-testid=\"api-health\"", html);
        Assert.Contains("healthy", html);
        Assert.DoesNotContain("unavailable", html);
    }

    [Fact]
    public async Task A_wrong_password_is_refused_in_words()
    {
        var page = await fixture.NewPageAsync();
        try
        {
            await page.GotoAsync("/signin");
            await page.Locator("#email").FillAsync("nobody@dashboard.test");
            await page.Locator("#password").FillAsync("not-the-password");
            await page.GetByRole(AriaRole.Button, new() { Name = "Sign in" }).ClickAsync();

            await Expect(page.Locator("[data-testid=signin-error]")).ToContainTextAsync("Email or password is incorrect");
            await Expect(page).ToHaveURLAsync(DashboardSession.SignInUrl());
            await new DashboardSession(page).ScreenshotAsync("signin-refused");
        }
        finally
        {
            await page.Context.CloseAsync();
        }
    }

    [Fact]
    public async Task A_sign_out_posted_without_the_antiforgery_token_is_refused()
    {
        var tag = TestData.NewTag();
        var store = await fixture.Data.StoreAsync(tag + "S");
        var email = await fixture.Data.UserAsync(tag, "STAFF", store.Id);
        await using var session = await DashboardSession.SignInAsync(fixture, email);

        // What a form on another site could send with the user's cookie.
        var response = await session.Page.APIRequest.PostAsync("/account/signout", new()
        {
            Form = session.Page.APIRequest.CreateFormData().Set("reason", "forged"),
            MaxRedirects = 0,
        });

        Assert.Equal(400, response.Status);
        await session.Page.ReloadAsync();
        await session.WaitUntilGridReadyAsync(); // still signed in
    }

    [Fact]
    public async Task Signing_out_ends_the_session_even_for_a_copied_cookie()
    {
        var tag = TestData.NewTag();
        var store = await fixture.Data.StoreAsync(tag + "S");
        var email = await fixture.Data.UserAsync(tag, "STORE_MANAGER", store.Id);
        await using var session = await DashboardSession.SignInAsync(fixture, email);
        var cookies = await session.Page.Context.CookiesAsync();
        Assert.Contains(cookies, c => c.Name == "bazaar.session" && c.HttpOnly && c.SameSite == SameSiteAttribute.Lax);

        await session.Page.GetByRole(AriaRole.Button, new() { Name = "Sign out" }).ClickAsync();

        await Expect(session.Page.Locator("[data-testid=signin-message]")).ToContainTextAsync("signed out");
        await session.Page.GotoAsync("/inventory");
        await Expect(session.Page).ToHaveURLAsync(DashboardSession.SignInUrl());

        // The cookie from before sign-out, replayed from another browser: its server-side session is gone.
        var replay = await fixture.NewPageAsync();
        try
        {
            await replay.Context.AddCookiesAsync(cookies.Select(c => new Microsoft.Playwright.Cookie
            {
                Name = c.Name, Value = c.Value, Domain = c.Domain, Path = c.Path, HttpOnly = c.HttpOnly, Secure = c.Secure, SameSite = c.SameSite,
            }));
            await replay.GotoAsync("/inventory");

            await Expect(replay).ToHaveURLAsync(DashboardSession.SignInUrl());
            await Expect(replay.Locator("[data-testid=signin-message]")).ToContainTextAsync("session has ended");
        }
        finally
        {
            await replay.Context.CloseAsync();
        }
    }
}
