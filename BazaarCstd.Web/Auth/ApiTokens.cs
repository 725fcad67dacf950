namespace BazaarCstd.Web.Auth;

/// <summary>A signed-in user's API tokens, kept on the server only.</summary>
public sealed record ApiTokens(string AccessToken, string RefreshToken, DateTimeOffset AccessTokenExpiresAt);
