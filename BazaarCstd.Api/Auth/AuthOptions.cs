using System.ComponentModel.DataAnnotations;

namespace BazaarCstd.Api.Auth;

/// <summary>Section <c>Auth</c>. The signing key comes from the AppHost's <c>jwt-signing-key</c> secret parameter.</summary>
public sealed class AuthOptions
{
    public const string SectionName = "Auth";

    [Required]
    public string Issuer { get; set; } = "bazaar-api";

    [Required]
    public string Audience { get; set; } = "bazaar";

    /// <summary>HS256 key: at least 32 bytes (256 bits) of UTF-8.</summary>
    [Required]
    [MinLength(32)]
    public string SigningKey { get; set; } = "";

    public TimeSpan AccessTokenLifetime { get; set; } = TimeSpan.FromMinutes(15);

    public TimeSpan RefreshTokenLifetime { get; set; } = TimeSpan.FromDays(7);

    /// <summary>A refresh family (one sign-in) ends this long after the sign-in, however often it is refreshed.</summary>
    public TimeSpan SessionLifetime { get; set; } = TimeSpan.FromDays(30);

    /// <summary>How long the token a sign-in answers for a password that must be changed is good for.</summary>
    public TimeSpan PasswordChangeTokenLifetime { get; set; } = TimeSpan.FromMinutes(10);

    public TimeSpan ClockSkew { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>Failed sign-ins per (email, client address): how many are free, then delays that double.</summary>
    public SignInThrottlePolicy AccountAtAddress { get; set; } = new() { FreeFailures = 5 };

    /// <summary>Failed sign-ins per client address, whatever the email: a shop's tills may share one address.</summary>
    public SignInThrottlePolicy Address { get; set; } = new() { FreeFailures = 20 };
}
