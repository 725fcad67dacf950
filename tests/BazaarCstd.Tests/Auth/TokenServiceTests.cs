using System.Text;
using BazaarCstd.Api.Auth;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;

namespace BazaarCstd.Tests.Auth;

public sealed class TokenServiceTests
{
    private static readonly AuthOptions s_options = new() { SigningKey = new string('k', 64) };
    private readonly FakeTimeProvider _clock = new(DateTimeOffset.UtcNow);
    private readonly JsonWebTokenHandler _handler = new();

    [Fact]
    public async Task An_access_token_carries_the_user_roles_stores_and_session_for_fifteen_minutes()
    {
        var user = Guid.NewGuid();
        var store = Guid.NewGuid();
        var session = Guid.NewGuid();
        var token = Issue(user, store, session);

        var result = await _handler.ValidateTokenAsync(token.Token, TokenService.ValidationParameters(s_options));

        Assert.True(result.IsValid, result.Exception?.Message);
        Assert.Equal(user.ToString(), result.ClaimsIdentity.Name);
        Assert.True(result.ClaimsIdentity.HasClaim("role", Roles.StoreManager));
        Assert.True(result.ClaimsIdentity.HasClaim(TokenService.StoreClaim, store.ToString()));
        Assert.True(result.ClaimsIdentity.HasClaim(TokenService.SessionClaim, session.ToString()));
        Assert.Equal(_clock.GetUtcNow().AddMinutes(15).ToUnixTimeSeconds(), token.ExpiresAt.ToUnixTimeSeconds());
        Assert.Equal(token.Id, ((JsonWebToken)result.SecurityToken).Id);
    }

    [Fact]
    public async Task A_token_expired_for_longer_than_the_skew_is_refused()
    {
        // Issued 16 minutes ago: expired 1 minute ago, more than the 30 s of allowed clock skew.
        var token = Issue(Guid.NewGuid(), Guid.NewGuid(), Guid.NewGuid(), new FakeTimeProvider(DateTimeOffset.UtcNow.AddMinutes(-16)));

        var result = await _handler.ValidateTokenAsync(token.Token, TokenService.ValidationParameters(s_options));

        Assert.False(result.IsValid);
        Assert.IsType<SecurityTokenExpiredException>(result.Exception);
    }

    [Fact]
    public async Task Unsigned_and_foreign_key_tokens_are_refused()
    {
        var token = Issue(Guid.NewGuid(), Guid.NewGuid(), Guid.NewGuid()).Token;
        var parts = token.Split('.');
        var unsigned = Base64UrlEncoder.Encode("""{"alg":"none","typ":"JWT"}""") + "." + parts[1] + ".";
        var foreign = new TokenService(Options.Create(new AuthOptions { SigningKey = new string('x', 64) }), _clock)
            .CreateAccessToken(Guid.NewGuid(), "a@b.c", "A", [Roles.Admin], [], Guid.NewGuid()).Token;
        var tampered = parts[0] + "." + Base64UrlEncoder.Encode(
            Encoding.UTF8.GetString(Base64UrlEncoder.DecodeBytes(parts[1])).Replace(Roles.StoreManager, Roles.Admin)) + "." + parts[2];

        foreach (var forged in new[] { unsigned, foreign, tampered })
        {
            var result = await _handler.ValidateTokenAsync(forged, TokenService.ValidationParameters(s_options));
            Assert.False(result.IsValid);
        }
    }

    private TokenService.AccessToken Issue(Guid user, Guid store, Guid session, TimeProvider? clock = null) =>
        new TokenService(Options.Create(s_options), clock ?? _clock)
            .CreateAccessToken(user, "manager@example.com", "Manager", [Roles.StoreManager], [store], session);
}
