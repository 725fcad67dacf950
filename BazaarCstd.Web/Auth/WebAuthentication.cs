using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authentication.Cookies;

namespace BazaarCstd.Web.Auth;

/// <summary>
/// Cookie authentication for the dashboard (backend-for-frontend): the cookie names a server-side
/// session in <see cref="ApiTokenStore"/>; the API's tokens stay on the server.
/// </summary>
public static class WebAuthentication
{
    private const string ExpiredFlag = "bazaar-session-expired";

    public static IHostApplicationBuilder AddWebAuthentication(this IHostApplicationBuilder builder)
    {
        builder.Services.AddDistributedMemoryCache();
        builder.Services.AddSingleton(TimeProvider.System);
        builder.Services.AddSingleton<ApiTokenStore>();
        builder.Services.AddTransient<ApiTokenHandler>();

        builder.Services.AddAuthentication(CookieAuthenticationDefaults.AuthenticationScheme)
            .AddCookie(options =>
            {
                options.Cookie.Name = "bazaar.session";
                options.Cookie.HttpOnly = true;
                options.Cookie.SecurePolicy = CookieSecurePolicy.SameAsRequest;
                options.Cookie.SameSite = SameSiteMode.Lax;
                options.LoginPath = AccountEndpoints.SignInPath;
                options.AccessDeniedPath = "/forbidden";
                options.ExpireTimeSpan = TimeSpan.FromHours(8);
                options.SlidingExpiration = true;
                options.Events.OnValidatePrincipal = async context =>
                {
                    // The API session ended (signed out, renewal refused): the cookie alone is not enough.
                    var tokens = context.HttpContext.RequestServices.GetRequiredService<ApiTokenStore>();
                    if (context.Principal?.SessionKey() is not { } session || !await tokens.ExistsAsync(session, context.HttpContext.RequestAborted))
                    {
                        context.HttpContext.Items[ExpiredFlag] = true;
                        context.RejectPrincipal();
                        await context.HttpContext.SignOutAsync(CookieAuthenticationDefaults.AuthenticationScheme);
                    }
                };
                options.Events.OnRedirectToLogin = context =>
                {
                    var target = context.HttpContext.Items.ContainsKey(ExpiredFlag)
                        ? QueryHelpersAppend(context.RedirectUri, "expired", "true")
                        : context.RedirectUri;
                    context.Response.Redirect(target);
                    return Task.CompletedTask;
                };
            });
        builder.Services.AddAuthorization();
        builder.Services.AddCascadingAuthenticationState();
        return builder;
    }

    private static string QueryHelpersAppend(string uri, string name, string value) =>
        Microsoft.AspNetCore.WebUtilities.QueryHelpers.AddQueryString(uri, name, value);
}
