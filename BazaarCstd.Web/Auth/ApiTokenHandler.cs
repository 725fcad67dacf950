using System.Net.Http.Headers;

namespace BazaarCstd.Web.Auth;

/// <summary>
/// Attaches the signed-in user's access token to a call of <see cref="Services.InventoryApiClient"/>.
/// The client names the session in the request's options (it knows the circuit's user; a handler,
/// built in the HTTP client factory's own scope, does not).
/// </summary>
public sealed class ApiTokenHandler(ApiTokenStore tokens) : DelegatingHandler
{
    public static readonly HttpRequestOptionsKey<string> SessionKey = new("bazaar-session");

    protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        // No session named: an anonymous call (the API's health).
        if (request.Options.TryGetValue(SessionKey, out var session))
        {
            var accessToken = await tokens.AccessTokenAsync(session, cancellationToken) ?? throw new SessionExpiredException();
            request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", accessToken);
        }

        return await base.SendAsync(request, cancellationToken);
    }
}
