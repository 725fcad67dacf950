using System.Security.Claims;
using System.Security.Cryptography;
using System.Text;
using Microsoft.Extensions.Options;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;

namespace BazaarCstd.Api.Auth;

/// <summary>
/// Issues access tokens (HS256 JWT: sub, email, name, role*, store*, sid = refresh family, jti) and
/// opaque refresh tokens (32 random bytes, only their SHA-256 is stored), and holds the validation
/// rules the bearer handler uses: algorithm pinned, iss/aud/exp/nbf checked, skew ≤ 30 s.
/// </summary>
public sealed class TokenService(IOptions<AuthOptions> options, TimeProvider clock)
{
    public const string StoreClaim = "store";
    public const string SessionClaim = "sid";

    /// <summary>Issue time in milliseconds: <c>iat</c> has whole seconds, too coarse to order a token against a revocation.</summary>
    public const string IssuedAtMsClaim = "iat_ms";

    /// <summary>
    /// The audience of a password-change token (<see cref="CreatePasswordChangeToken"/>), suffixed to
    /// the API's: the bearer scheme every other endpoint uses refuses it, being for another audience.
    /// </summary>
    public const string PasswordChangeAudienceSuffix = ":password-change";

    private readonly AuthOptions _options = options.Value;
    private readonly JsonWebTokenHandler _handler = new() { SetDefaultTimesOnTokenCreation = false };

    public sealed record AccessToken(string Token, string Id, DateTimeOffset ExpiresAt);

    public AuthOptions Options => _options;

    public static SymmetricSecurityKey Key(AuthOptions options) => new(Encoding.UTF8.GetBytes(options.SigningKey));

    public static TokenValidationParameters ValidationParameters(AuthOptions options) => new()
    {
        ValidIssuer = options.Issuer,
        ValidAudience = options.Audience,
        IssuerSigningKey = Key(options),
        ValidAlgorithms = [SecurityAlgorithms.HmacSha256],
        ValidateIssuer = true,
        ValidateAudience = true,
        ValidateLifetime = true,
        ValidateIssuerSigningKey = true,
        RequireExpirationTime = true,
        RequireSignedTokens = true,
        ClockSkew = options.ClockSkew,
        NameClaimType = JwtRegisteredClaimNames.Sub,
        RoleClaimType = "role",
    };

    /// <summary>What the password-change scheme accepts: the same rules, for the password-change audience only.</summary>
    public static TokenValidationParameters PasswordChangeValidationParameters(AuthOptions options)
    {
        var parameters = ValidationParameters(options);
        parameters.ValidAudience = options.Audience + PasswordChangeAudienceSuffix;
        return parameters;
    }

    public AccessToken CreateAccessToken(Guid userId, string email, string displayName, IEnumerable<string> roles, IEnumerable<Guid> stores, Guid sessionId) =>
        Create(userId, email, displayName, roles, stores, sessionId, _options.Audience, _options.AccessTokenLifetime);

    /// <summary>
    /// A token good only for <c>PUT /api/auth/password</c>, given by a sign-in whose password an admin
    /// reset: no roles, no stores, its own session, another audience, <see cref="AuthOptions.PasswordChangeTokenLifetime"/>.
    /// </summary>
    public AccessToken CreatePasswordChangeToken(Guid userId, string email, string displayName) =>
        Create(userId, email, displayName, [], [], Guid.NewGuid(), _options.Audience + PasswordChangeAudienceSuffix, _options.PasswordChangeTokenLifetime);

    private AccessToken Create(
        Guid userId, string email, string displayName, IEnumerable<string> roles, IEnumerable<Guid> stores, Guid sessionId, string audience, TimeSpan lifetime)
    {
        var now = clock.GetUtcNow();
        var expires = now + lifetime;
        var id = Guid.NewGuid().ToString("N");
        var claims = new List<Claim>
        {
            new(JwtRegisteredClaimNames.Sub, userId.ToString()),
            new(JwtRegisteredClaimNames.Email, email),
            new(JwtRegisteredClaimNames.Name, displayName),
            new(JwtRegisteredClaimNames.Jti, id),
            new(SessionClaim, sessionId.ToString()),
            new(IssuedAtMsClaim, now.ToUnixTimeMilliseconds().ToString(System.Globalization.CultureInfo.InvariantCulture), ClaimValueTypes.Integer64),
        };
        claims.AddRange(roles.Select(r => new Claim("role", r)));
        claims.AddRange(stores.Select(s => new Claim(StoreClaim, s.ToString())));

        var token = _handler.CreateToken(new SecurityTokenDescriptor
        {
            Issuer = _options.Issuer,
            Audience = audience,
            Subject = new ClaimsIdentity(claims),
            IssuedAt = now.UtcDateTime,
            NotBefore = now.UtcDateTime,
            Expires = expires.UtcDateTime,
            SigningCredentials = new SigningCredentials(Key(_options), SecurityAlgorithms.HmacSha256),
        });
        return new AccessToken(token, id, expires);
    }

    public static string NewRefreshToken() => Base64UrlEncoder.Encode(RandomNumberGenerator.GetBytes(32));

    public static string HashRefreshToken(string token) => Convert.ToHexString(SHA256.HashData(Encoding.UTF8.GetBytes(token)));
}
