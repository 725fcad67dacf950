using BazaarCstd.Api.Infrastructure;
using BazaarCstd.Api.Infrastructure.RateLimiting;
using Microsoft.AspNetCore.Authentication.JwtBearer;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Extensions.Options;
using Microsoft.IdentityModel.JsonWebTokens;

namespace BazaarCstd.Api.Auth;

public static class AuthSetup
{
    /// <summary>The scheme of the token a sign-in gives when an admin reset the password (<see cref="TokenService.CreatePasswordChangeToken"/>).</summary>
    public const string PasswordChangeScheme = "PasswordChange";

    /// <summary><c>PUT /api/auth/password</c>: an access token, or a password-change token.</summary>
    public const string PasswordChangePolicy = "password-change";

    /// <summary>
    /// Bearer tokens on every endpoint (the fallback policy), role policies, revocation checked on
    /// every request, and the caller's <see cref="StoreScope"/> for the data layer.
    /// </summary>
    public static void AddBazaarAuth(this IHostApplicationBuilder builder)
    {
        builder.Services.AddOptions<AuthOptions>().BindConfiguration(AuthOptions.SectionName).ValidateDataAnnotations().ValidateOnStart();
        builder.Services.AddSingleton<TokenService>();
        builder.Services.AddSingleton<UserAccounts>();
        builder.Services.AddSingleton<RefreshTokens>();
        builder.Services.AddSingleton<TokenRevocation>();
        builder.Services.AddSingleton<SignInThrottle>();
        builder.Services.AddOptions<RegistrationOptions>().BindConfiguration(RegistrationOptions.SectionName);
        builder.Services.AddHostedService<SessionRevocationCatchUp>();
        builder.Services.AddHttpContextAccessor();
        builder.Services.AddScoped(sp => sp.GetRequiredService<IHttpContextAccessor>().HttpContext?.User.StoreScope() ?? new StoreScope { Stores = [] });

        builder.Services.AddAuthentication(JwtBearerDefaults.AuthenticationScheme).AddJwtBearer().AddJwtBearer(PasswordChangeScheme);
        builder.Services.AddOptions<JwtBearerOptions>(PasswordChangeScheme)
            .Configure<IOptions<AuthOptions>>((bearer, auth) =>
            {
                bearer.MapInboundClaims = false;
                bearer.TokenValidationParameters = TokenService.PasswordChangeValidationParameters(auth.Value);
                bearer.Events = new JwtBearerEvents
                {
                    OnTokenValidated = RejectRevokedAsync,

                    // The default scheme, challenged first, has written the problem already.
                    OnChallenge = context =>
                    {
                        context.HandleResponse();
                        return Task.CompletedTask;
                    },
                };
            });
        builder.Services.AddOptions<JwtBearerOptions>(JwtBearerDefaults.AuthenticationScheme)
            .Configure<IOptions<AuthOptions>>((bearer, auth) =>
            {
                bearer.MapInboundClaims = false;
                bearer.TokenValidationParameters = TokenService.ValidationParameters(auth.Value);
                bearer.Events = new JwtBearerEvents
                {
                    OnTokenValidated = RejectRevokedAsync,
                    OnChallenge = async context =>
                    {
                        context.HandleResponse();
                        context.Response.Headers.WWWAuthenticate = "Bearer";
                        await WriteProblemAsync(context.HttpContext, StatusCodes.Status401Unauthorized, ProblemTypes.Unauthorized, "Not signed in.",
                            "Send a valid access token: Authorization: Bearer <token> (sign in at /api/auth/login).");
                    },
                    OnForbidden = context => WriteProblemAsync(context.HttpContext, StatusCodes.Status403Forbidden, ProblemTypes.Forbidden,
                        "Not allowed.", "Your role does not allow this."),
                };
            });

        builder.Services.AddAuthorizationBuilder()
            .SetFallbackPolicy(new AuthorizationPolicyBuilder().RequireAuthenticatedUser().Build())
            .AddPolicy(Roles.Policies.Staff, p => p.RequireRole(Roles.Staff, Roles.StoreManager, Roles.Admin))
            .AddPolicy(Roles.Policies.Manager, p => p.RequireRole(Roles.StoreManager, Roles.Admin))
            .AddPolicy(Roles.Policies.Admin, p => p.RequireRole(Roles.Admin))
            .AddPolicy(PasswordChangePolicy, p => p.AddAuthenticationSchemes(JwtBearerDefaults.AuthenticationScheme, PasswordChangeScheme).RequireAuthenticatedUser());
    }

    private static async Task RejectRevokedAsync(TokenValidatedContext context)
    {
        var token = context.SecurityToken as JsonWebToken;
        var check = TokenRevocation.CheckFor(token?.Id, context.Principal?.SessionId(), context.Principal?.Id(), IssuedAt(token));
        if (check is not { } revocationCheck || await IsRevokedCountingAsync(context.HttpContext, context.Principal!.Id()!.Value, revocationCheck))
        {
            context.Fail("The token has been revoked.");
        }
    }

    /// <summary>
    /// The revocation check, and the request's rate-limit count in the same Redis round trip when it
    /// has one (the limiter then takes it from <see cref="RateLimitCounted"/>).
    /// </summary>
    private static async Task<bool> IsRevokedCountingAsync(HttpContext http, Guid userId, RevocationCheck check)
    {
        var services = http.RequestServices;
        var options = services.GetRequiredService<IOptionsMonitor<RateLimitOptions>>().CurrentValue;
        if (http.Features.Get<RateLimitCounted>() is null
            && RateLimitPolicy.ForUser(http, userId, options) is ({ } policy, { } partition)
            && await services.GetRequiredService<RateLimitCounter>().HitUnlessRevokedAsync(check, policy, partition, options.FailOpenPause) is ({ } revoked, var window))
        {
            if (!revoked)
            {
                http.Features.Set(new RateLimitCounted(policy.Name, window));
            }

            return revoked;
        }

        return await services.GetRequiredService<TokenRevocation>().IsRevokedAsync(check);
    }

    /// <summary>The precise issue time (<c>iat_ms</c>), or <c>iat</c> for a token without it.</summary>
    private static DateTimeOffset? IssuedAt(JsonWebToken? token) =>
        token is null ? null
        : token.TryGetPayloadValue<long>(TokenService.IssuedAtMsClaim, out var ms) ? DateTimeOffset.FromUnixTimeMilliseconds(ms)
        : new DateTimeOffset(token.IssuedAt, TimeSpan.Zero);

    private static async Task WriteProblemAsync(HttpContext http, int status, string type, string title, string detail)
    {
        http.Response.StatusCode = status;
        await http.RequestServices.GetRequiredService<IProblemDetailsService>().WriteAsync(new ProblemDetailsContext
        {
            HttpContext = http,
            ProblemDetails = new ProblemDetails { Status = status, Type = type, Title = title, Detail = detail },
        });
    }
}
