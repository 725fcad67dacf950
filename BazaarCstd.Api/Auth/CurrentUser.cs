using System.Security.Claims;
using BazaarCstd.Api.Infrastructure;
using Microsoft.IdentityModel.JsonWebTokens;

namespace BazaarCstd.Api.Auth;

/// <summary>Reads the signed-in caller from the validated access token's claims.</summary>
public static class CurrentUser
{
    public static Guid? Id(this ClaimsPrincipal user) =>
        Guid.TryParse(user.FindFirstValue(JwtRegisteredClaimNames.Sub), out var id) ? id : null;

    public static Guid? SessionId(this ClaimsPrincipal user) =>
        Guid.TryParse(user.FindFirstValue(TokenService.SessionClaim), out var id) ? id : null;

    /// <summary>Admins see every store; everyone else exactly the stores in their token.</summary>
    public static StoreScope StoreScope(this ClaimsPrincipal user) => user.IsInRole(Roles.Admin)
        ? new StoreScope()
        : new StoreScope
        {
            Stores = [.. user.FindAll(TokenService.StoreClaim).Select(c => Guid.TryParse(c.Value, out var s) ? s : Guid.Empty).Where(s => s != Guid.Empty)],
        };
}
