namespace BazaarCstd.Web.Auth;

/// <summary>The user's API session is over (signed out elsewhere, refresh token spent or expired): sign in again.</summary>
public sealed class SessionExpiredException() : Exception("The session has expired. Sign in again.");
