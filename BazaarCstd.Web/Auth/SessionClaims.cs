using System.Security.Claims;

namespace BazaarCstd.Web.Auth;

/// <summary>
/// What the dashboard's cookie holds: who the user is (id, email, name, roles) and the key of their
/// server-side session in <see cref="ApiTokenStore"/>. The API tokens themselves never leave the server.
/// </summary>
public static class SessionClaims
{
    public const string Session = "bazaar_session";
    public const string UserId = "sub";
    public const string Email = "email";
    public const string Name = "name";
    public const string Role = "role";
    public const string Store = "store";

    public const string Admin = "ADMIN";
    public const string StoreManager = "STORE_MANAGER";
    public const string Staff = "STAFF";

    /// <summary>Roles that may count and transfer stock (the API's "manager" policy).</summary>
    public const string ManagerRoles = StoreManager + "," + Admin;

    public static string? SessionKey(this ClaimsPrincipal user) => user.FindFirst(Session)?.Value;

    public static bool IsManager(this ClaimsPrincipal user) => user.IsInRole(StoreManager) || user.IsInRole(Admin);
}
