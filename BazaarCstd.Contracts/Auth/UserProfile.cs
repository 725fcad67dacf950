namespace BazaarCstd.Contracts.Auth;

/// <summary>A user as <c>GET /api/auth/profile</c> and the admin user endpoints show it.</summary>
public sealed record UserProfile(
    Guid Id,
    string Email,
    string DisplayName,
    bool IsActive,
    IReadOnlyList<string> Roles,
    IReadOnlyList<Guid> StoreIds,
    DateTimeOffset? LockedUntil,
    DateTimeOffset CreatedAt);

/// <summary>Body of <c>PUT /api/users/{id}/roles</c>: the complete set of roles.</summary>
public sealed record UserRolesRequest(IReadOnlyList<string>? Roles);

/// <summary>Body of <c>PUT /api/users/{id}/stores</c>: the complete set of assigned stores.</summary>
public sealed record UserStoresRequest(IReadOnlyList<Guid>? StoreIds);

/// <summary>Body of <c>PUT /api/users/{id}/active</c>.</summary>
public sealed record UserActiveRequest(bool? IsActive);
