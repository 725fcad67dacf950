using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authentication.Cookies;

namespace BazaarCstd.Web.Auth;

/// <summary>Sign-out (a form post with an antiforgery token) and the landing for a session that ended.</summary>
public static class AccountEndpoints
{
    public const string SignInPath = "/signin";

    public static IEndpointRouteBuilder MapAccount(this IEndpointRouteBuilder app)
    {
        var group = app.MapGroup("/account");

        // Form-bound, so UseAntiforgery validates the token: a cross-site form cannot sign the user out.
        group.MapPost("/signout", async (HttpContext http, ApiTokenStore tokens, AuthApiClient auth, [Microsoft.AspNetCore.Mvc.FromForm] string? reason) =>
        {
            if (http.User.SessionKey() is { } session)
            {
                if (await tokens.AccessTokenAsync(session, http.RequestAborted) is { } accessToken)
                {
                    try
                    {
                        await auth.LogoutAsync(accessToken, http.RequestAborted);
                    }
                    catch (HttpRequestException)
                    {
                        // The API is unreachable: the server-side tokens go anyway, and they expire on their own.
                    }
                }

                await tokens.RemoveAsync(session, http.RequestAborted);
            }

            await http.SignOutAsync(CookieAuthenticationDefaults.AuthenticationScheme);
            return TypedResults.LocalRedirect($"~{SignInPath}?signedOut=true");
        }).RequireAuthorization();

        // Where a page goes when the API no longer accepts the session: drop the cookie, say why.
        group.MapGet("/expired", async (HttpContext http, ApiTokenStore tokens) =>
        {
            if (http.User.SessionKey() is { } session)
            {
                await tokens.RemoveAsync(session, http.RequestAborted);
            }

            await http.SignOutAsync(CookieAuthenticationDefaults.AuthenticationScheme);
            return TypedResults.LocalRedirect($"~{SignInPath}?expired=true");
        });

        return app;
    }
}
