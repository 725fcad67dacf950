namespace BazaarCstd.Contracts.Auth;

/// <summary>A user as <c>GET /api/auth/profile</c> and the admin user endpoints show it.</summary>
/// <param name="MustChangePassword">An admin reset the password: the next sign-in can only change it.</param>
public sealed record UserProfile(
    Guid Id,
    string Email,
    string DisplayName,
    bool IsActive,
    IReadOnlyList<string> Roles,
    IReadOnlyList<Guid> StoreIds,
    bool MustChangePassword,
    DateTimeOffset CreatedAt);

/// <summary>Body of <c>PUT /api/users/{id}/roles</c>: the complete set of roles.</summary>
public sealed record UserRolesRequest(IReadOnlyList<string>? Roles);

/// <summary>Body of <c>PUT /api/users/{id}/stores</c>: the complete set of assigned stores.</summary>
public sealed record UserStoresRequest(IReadOnlyList<Guid>? StoreIds);

/// <summary>Body of <c>PUT /api/users/{id}/active</c>.</summary>
public sealed record UserActiveRequest(bool? IsActive);

/// <summary>Body of <c>PUT /api/users/{id}/password</c>: a temporary password the user must change at the next sign-in.</summary>
public sealed record ResetPasswordRequest(string? NewPassword);
