namespace BazaarCstd.Contracts.Auth;

/// <summary>Body of <c>POST /api/auth/register</c>: creates a STAFF account with no stores.</summary>
public sealed record RegisterRequest(string? Email, string? Password, string? DisplayName);

/// <summary>
/// Answer to <c>POST /api/auth/register</c> (202), the same whether the email was new or already had
/// an account, so registration does not tell who has one. The new account can sign in at once.
/// </summary>
public sealed record RegistrationAccepted(string Detail);

/// <summary>Body of <c>POST /api/auth/login</c>.</summary>
public sealed record LoginRequest(string? Email, string? Password);

/// <summary>Body of <c>POST /api/auth/refresh</c>.</summary>
public sealed record RefreshRequest(string? RefreshToken);

/// <summary>
/// Body of <c>PUT /api/auth/password</c>: the caller changes their own password. Sent with an access
/// token, or with the <c>passwordChangeToken</c> a sign-in answers when an admin reset the password.
/// </summary>
public sealed record ChangePasswordRequest(string? CurrentPassword, string? NewPassword);

/// <summary>Answer to login, refresh and a password change.</summary>
public sealed record TokenResponse(string AccessToken, string RefreshToken, int ExpiresIn, string TokenType = "Bearer");
