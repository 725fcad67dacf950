using BazaarCstd.Web.Auth;
using BazaarCstd.Web.Services;

namespace BazaarCstd.Web.Exports;

/// <summary>
/// CSV downloads for the browser: the Web asks the API's export as the signed-in user (the token
/// stays on the server) and copies its body to the browser as it arrives, so a long export is never
/// held whole in the Web's memory. Only the API's own filters are passed on.
/// </summary>
public static class ExportEndpoints
{
    public const string MovementsPath = "/export/movements.csv";

    private static readonly string[] s_movementFilters = ["storeId", "productId", "kind", "from", "to", "reference"];

    public static IEndpointRouteBuilder MapExports(this IEndpointRouteBuilder app)
    {
        app.MapGet(MovementsPath, (HttpContext http, InventoryApiClient api) => StreamAsync(http, api, "/api/stock/movements.csv", s_movementFilters))
            .RequireAuthorization();
        return app;
    }

    private static async Task StreamAsync(HttpContext http, InventoryApiClient api, string apiPath, string[] filters)
    {
        var ct = http.RequestAborted;
        if (http.User.SessionKey() is not { } session)
        {
            http.Response.Redirect("/account/expired");
            return;
        }

        var query = QueryString.Create(filters.Where(f => http.Request.Query.ContainsKey(f))
            .Select(f => KeyValuePair.Create(f, (string?)http.Request.Query[f].ToString())));
        HttpResponseMessage response;
        try
        {
            response = await api.OpenDownloadAsync(session, apiPath + query.ToUriComponent(), ct);
        }
        catch (SessionExpiredException)
        {
            http.Response.Redirect("/account/expired");
            return;
        }
        catch (HttpRequestException)
        {
            await SayAsync(http, StatusCodes.Status502BadGateway, "The inventory service cannot be reached right now. Try again in a moment.");
            return;
        }

        using (response)
        {
            if (response.StatusCode == System.Net.HttpStatusCode.Unauthorized)
            {
                http.Response.Redirect("/account/expired");
                return;
            }

            try
            {
                await ApiResponses.EnsureSuccessAsync(response, ct);
            }
            catch (ApiProblemException problem)
            {
                // A sentence, never the API's JSON, in the browser's tab.
                await SayAsync(http, problem.Status, ProblemText.Describe(problem));
                return;
            }

            http.Response.ContentType = response.Content.Headers.ContentType?.ToString() ?? "text/csv";
            if (response.Content.Headers.ContentDisposition is { } disposition)
            {
                http.Response.Headers.ContentDisposition = disposition.ToString();
            }

            http.Response.Headers.CacheControl = "no-store";
            await using var body = await response.Content.ReadAsStreamAsync(ct);
            await body.CopyToAsync(http.Response.Body, ct);
        }
    }

    private static Task SayAsync(HttpContext http, int status, string sentence)
    {
        http.Response.StatusCode = status;
        http.Response.ContentType = "text/plain; charset=utf-8";
        return http.Response.WriteAsync(sentence, http.RequestAborted);
    }
}
