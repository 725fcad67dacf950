namespace BazaarCstd.Api.Auth;

/// <summary>
/// Roles and the policies built on them. ADMIN &gt; STORE_MANAGER &gt; STAFF: each policy admits the
/// roles above it too.
/// </summary>
public static class Roles
{
    public const string Admin = "ADMIN";
    public const string StoreManager = "STORE_MANAGER";
    public const string Staff = "STAFF";

    public static readonly IReadOnlyList<string> All = [Admin, StoreManager, Staff];

    /// <summary>Policy names.</summary>
    public static class Policies
    {
        /// <summary>Any role: record movements and read the caller's stores.</summary>
        public const string Staff = "staff";

        /// <summary>Store managers and admins: counts and transfers of their stores.</summary>
        public const string Manager = "manager";

        /// <summary>Admins: catalog, stores, users, audit.</summary>
        public const string Admin = "admin";
    }
}
