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

    public TimeSpan ClockSkew { get; set; } = TimeSpan.FromSeconds(30);

    public int MaxFailedLogins { get; set; } = 5;

    public TimeSpan LockoutDuration { get; set; } = TimeSpan.FromMinutes(15);
}
