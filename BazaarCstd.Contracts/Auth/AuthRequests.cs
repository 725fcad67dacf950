namespace BazaarCstd.Contracts.Auth;

/// <summary>Body of <c>POST /api/auth/register</c>: creates a STAFF account with no stores.</summary>
public sealed record RegisterRequest(string? Email, string? Password, string? DisplayName);

/// <summary>Body of <c>POST /api/auth/login</c>.</summary>
public sealed record LoginRequest(string? Email, string? Password);

/// <summary>Body of <c>POST /api/auth/refresh</c>.</summary>
public sealed record RefreshRequest(string? RefreshToken);

/// <summary>Answer to login and refresh.</summary>
public sealed record TokenResponse(string AccessToken, string RefreshToken, int ExpiresIn, string TokenType = "Bearer");
