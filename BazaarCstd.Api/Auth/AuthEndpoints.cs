using System.Security.Claims;
using BazaarCstd.Api.Infrastructure;
using BazaarCstd.Api.Infrastructure.Idempotency;
using BazaarCstd.Contracts.Auth;
using BazaarCstd.Data.Identity;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Extensions.Options;
using Microsoft.IdentityModel.JsonWebTokens;

namespace BazaarCstd.Api.Auth;

public static class AuthEndpoints
{
    public static IEndpointRouteBuilder MapAuth(this IEndpointRouteBuilder api)
    {
        var group = api.MapGroup("/auth").WithTags("Auth").WithMetadata(new IdempotencyExemptAttribute());
        group.MapPost("/register", Register).AllowAnonymous().WithName("Register")
            .WithSummary("Creates a STAFF account with no stores (202 whether or not the email had one); 403 when self-registration is off.")
            .ProducesProblem(StatusCodes.Status403Forbidden);
        group.MapPost("/login", Login).AllowAnonymous().WithName("Login")
            .WithSummary("Access token (15 min) and refresh token (7 days, session 30 days); 403 password-change-required after an admin reset.")
            .ProducesProblem(StatusCodes.Status401Unauthorized).ProducesProblem(StatusCodes.Status403Forbidden);
        group.MapPost("/refresh", Refresh).AllowAnonymous().WithName("Refresh")
            .WithSummary("Swaps a refresh token for new tokens; a refresh token works once.")
            .ProducesProblem(StatusCodes.Status401Unauthorized);
        group.MapPost("/logout", Logout).WithName("Logout")
            .WithSummary("Ends this session: its refresh tokens and this access token stop working.");
        group.MapPost("/logout-all", LogoutAll).WithName("LogoutAll")
            .WithSummary("Ends every session of the caller, this one included.");
        group.MapPut("/password", ChangePassword).RequireAuthorization(AuthSetup.PasswordChangePolicy).WithName("ChangePassword")
            .WithSummary("Changes the caller's password (access token or password-change token); every session ends and new tokens come back.")
            .ProducesProblem(StatusCodes.Status409Conflict);
        group.MapGet("/profile", Profile).WithName("GetProfile")
            .WithSummary("The signed-in user, their roles and stores.");
        return api;
    }

    /// <summary>
    /// Answers 202 with the same body whether the email was new or had an account (which is left
    /// untouched), after the same work (a bcrypt hash and one insert), so registration tells nobody
    /// who has an account. A new account can sign in at once.
    /// </summary>
    internal static async Task<Results<Accepted<RegistrationAccepted>, ProblemHttpResult, ValidationProblem>> Register(
        RegisterRequest body, UserAccounts users, WriteSession session, IOptions<RegistrationOptions> registration, CancellationToken ct)
    {
        if (!registration.Value.AllowRegistration)
        {
            return TypedResults.Problem(new ProblemDetails
            {
                Status = StatusCodes.Status403Forbidden,
                Type = ProblemTypes.RegistrationClosed,
                Title = "Self-registration is off.",
                Detail = "Ask an administrator for an account.",
            });
        }

        var v = new Validation().Required("displayName", body.DisplayName, 100);
        var email = body.Email?.Trim();
        if (string.IsNullOrEmpty(email) || email.Length > 254 || email.Any(char.IsWhiteSpace)
            || email.IndexOf('@') is < 1 || email.LastIndexOf('@') == email.Length - 1)
        {
            v.Add("email", "must be an email address (at most 254 characters).");
        }

        if (Passwords.Problem(body.Password) is { } problem)
        {
            v.Add("password", problem);
        }

        if (!v.IsValid)
        {
            return v.ToProblem();
        }

        await users.CreateAsync(session, email!, Passwords.Hash(body.Password!), body.DisplayName!.Trim(), ct);
        return TypedResults.Accepted((string?)null, new RegistrationAccepted(
            "If this email had no account, a STAFF account with no stores now has it: sign in with the password you chose. An administrator grants roles and stores."));
    }

    internal static async Task<Results<Ok<TokenResponse>, ProblemHttpResult, ValidationProblem>> Login(
        LoginRequest body, HttpContext http, UserAccounts users, SignInThrottle throttle, RefreshTokens refreshTokens, TokenService tokens, CancellationToken ct)
    {
        var v = new Validation().Required("email", body.Email, 254).Required("password", body.Password, Passwords.MaxLength);
        if (!v.IsValid)
        {
            return v.ToProblem();
        }

        var email = body.Email!.Trim();
        var address = SignInThrottle.ClientAddress(http);
        if (await throttle.BeginAsync(email, address) is { } wait)
        {
            return Throttled(http, wait);
        }

        // Unknown, inactive and wrong password all take one bcrypt check, count as a failure and get the same answer.
        var account = await users.FindByEmailAsync(email, ct);
        var passwordOk = Passwords.Verify(body.Password!, account?.PasswordHash);
        if (account is null || !account.Profile.IsActive || !passwordOk)
        {
            return InvalidCredentials();
        }

        await throttle.SucceededAsync(email, address);
        if (account.Profile.MustChangePassword)
        {
            var change = tokens.CreatePasswordChangeToken(account.Profile.Id, account.Profile.Email, account.Profile.DisplayName);
            return TypedResults.Problem(new ProblemDetails
            {
                Status = StatusCodes.Status403Forbidden,
                Type = ProblemTypes.PasswordChangeRequired,
                Title = "The password must be changed.",
                Detail = "An administrator reset this password. Send PUT /api/auth/password {currentPassword, newPassword} "
                    + "with Authorization: Bearer <passwordChangeToken>; the answer carries the new session's tokens.",
                Extensions =
                {
                    ["passwordChangeToken"] = change.Token,
                    ["expiresIn"] = (int)tokens.Options.PasswordChangeTokenLifetime.TotalSeconds,
                },
            });
        }

        return TypedResults.Ok(await IssueAsync(account.Profile, Guid.NewGuid(), null, refreshTokens, tokens, ct));
    }

    internal static async Task<Results<Ok<TokenResponse>, ProblemHttpResult, ValidationProblem>> Refresh(
        RefreshRequest body, UserAccounts users, RefreshTokens refreshTokens, TokenService tokens, TokenRevocation revocation, CancellationToken ct)
    {
        var v = new Validation().Required("refreshToken", body.RefreshToken, 100);
        if (!v.IsValid)
        {
            return v.ToProblem();
        }

        var rotation = await refreshTokens.RotateAsync(body.RefreshToken!, tokens.Options.RefreshTokenLifetime, ct);
        if (rotation.Outcome == RefreshTokens.Outcome.Reused)
        {
            // A spent token came back: someone else has (had) it. The family is gone, and so are its access tokens.
            await revocation.RevokeSessionAsync(rotation.FamilyId, tokens.Options.AccessTokenLifetime);
        }

        var account = rotation.Outcome == RefreshTokens.Outcome.Rotated ? await users.FindByIdAsync(rotation.UserId, ct) : null;
        if (account is null || !account.Profile.IsActive)
        {
            return Unauthorized("The refresh token is not valid. Sign in again.");
        }

        return TypedResults.Ok(await IssueAsync(account.Profile, rotation.FamilyId, rotation.Token, refreshTokens, tokens, ct));
    }

    internal static async Task<NoContent> Logout(
        ClaimsPrincipal user, RefreshTokens refreshTokens, TokenRevocation revocation, TokenService tokens, CancellationToken ct)
    {
        if (user.Id() is { } userId && user.SessionId() is { } session)
        {
            await refreshTokens.RevokeFamilyAsync(userId, session, ct);
            await revocation.RevokeSessionAsync(session, tokens.Options.AccessTokenLifetime);
        }

        await DenyAsync(user, revocation);
        return TypedResults.NoContent();
    }

    /// <summary>Every refresh token of the caller is revoked and every access token issued until now stops.</summary>
    internal static async Task<Results<NoContent, ProblemHttpResult>> LogoutAll(
        ClaimsPrincipal user, UserAccounts users, WriteSession session, TokenRevocation revocation, TokenService tokens, CancellationToken ct)
    {
        if (user.Id() is not { } userId || await users.EndSessionsAsync(session, userId, ct) == UserAccounts.Change.NotFound)
        {
            return Unauthorized("The account no longer exists.");
        }

        await revocation.RevokeIssuedBeforeNowAsync(userId, tokens.Options.AccessTokenLifetime);
        return TypedResults.NoContent();
    }

    /// <summary>
    /// The caller's own change, with the current password (counted by the sign-in throttle like a
    /// sign-in). Of parallel changes one wins (compare-and-set on the hash) and the others get 409.
    /// Every session ends, the caller's included; the answer is a new session for the caller.
    /// </summary>
    internal static async Task<Results<Ok<TokenResponse>, ProblemHttpResult, ValidationProblem>> ChangePassword(
        ChangePasswordRequest body, ClaimsPrincipal user, HttpContext http, UserAccounts users, WriteSession session, SignInThrottle throttle,
        RefreshTokens refreshTokens, TokenRevocation revocation, TokenService tokens, CancellationToken ct)
    {
        var v = new Validation().Required("currentPassword", body.CurrentPassword, Passwords.MaxLength);
        if (Passwords.Problem(body.NewPassword) is { } problem)
        {
            v.Add("newPassword", problem);
        }
        else if (body.NewPassword == body.CurrentPassword)
        {
            v.Add("newPassword", "must differ from the current password.");
        }

        if (!v.IsValid)
        {
            return v.ToProblem();
        }

        if (user.Id() is not { } userId || await users.FindByIdAsync(userId, ct) is not { Profile.IsActive: true } account)
        {
            return Unauthorized("The account no longer exists or is deactivated.");
        }

        var address = SignInThrottle.ClientAddress(http);
        if (await throttle.BeginAsync(account.Profile.Email, address) is { } wait)
        {
            return Throttled(http, wait);
        }

        if (!Passwords.Verify(body.CurrentPassword!, account.PasswordHash))
        {
            return new Validation().Add("currentPassword", "is not the current password.").ToProblem();
        }

        await throttle.SucceededAsync(account.Profile.Email, address);
        if (!await users.ChangePasswordAsync(session, userId, account.PasswordHash, Passwords.Hash(body.NewPassword!), ct))
        {
            throw new DomainException(StatusCodes.Status409Conflict, ProblemTypes.Conflict, "The password changed meanwhile.",
                "Another change of this password came first. Sign in with the password now in force.");
        }

        await revocation.RevokeIssuedBeforeNowAsync(userId, tokens.Options.AccessTokenLifetime);
        await DenyAsync(user, revocation);
        var changed = (await users.FindByIdAsync(userId, session, ct))!.Profile;
        return TypedResults.Ok(await IssueAsync(changed, Guid.NewGuid(), null, refreshTokens, tokens, ct));
    }

    internal static async Task<Results<Ok<UserProfile>, ProblemHttpResult>> Profile(ClaimsPrincipal user, UserAccounts users, CancellationToken ct) =>
        user.Id() is { } id && await users.FindByIdAsync(id, ct) is { } account
            ? TypedResults.Ok(account.Profile)
            : Unauthorized("The account no longer exists.");

    private static async Task<TokenResponse> IssueAsync(
        UserProfile user, Guid family, string? refreshToken, RefreshTokens refreshTokens, TokenService tokens, CancellationToken ct)
    {
        refreshToken ??= await refreshTokens.IssueAsync(user.Id, family, tokens.Options.RefreshTokenLifetime, tokens.Options.SessionLifetime, ct);
        var access = tokens.CreateAccessToken(user.Id, user.Email, user.DisplayName, user.Roles, user.StoreIds, family);
        return new TokenResponse(access.Token, refreshToken, (int)tokens.Options.AccessTokenLifetime.TotalSeconds);
    }

    /// <summary>Denies the presented access token's <c>jti</c> until it expires.</summary>
    private static async Task DenyAsync(ClaimsPrincipal user, TokenRevocation revocation)
    {
        if (user.FindFirstValue(JwtRegisteredClaimNames.Jti) is { } jti
            && long.TryParse(user.FindFirstValue(JwtRegisteredClaimNames.Exp), out var exp))
        {
            await revocation.DenyAsync(jti, DateTimeOffset.FromUnixTimeSeconds(exp));
        }
    }

    /// <summary>Too many failures for this email from this address, or from this address: wait, whatever the password.</summary>
    private static ProblemHttpResult Throttled(HttpContext http, TimeSpan wait)
    {
        http.Response.Headers.RetryAfter = SignInThrottle.RetryAfter(wait);
        return TypedResults.Problem(new ProblemDetails
        {
            Status = StatusCodes.Status429TooManyRequests,
            Type = ProblemTypes.TooManyRequests,
            Title = "Too many failed sign-ins.",
            Detail = "Too many failed sign-ins from this address. Try again after Retry-After seconds.",
        });
    }

    private static ProblemHttpResult InvalidCredentials() => Unauthorized("Email or password is incorrect.");

    private static ProblemHttpResult Unauthorized(string detail) => TypedResults.Problem(new ProblemDetails
    {
        Status = StatusCodes.Status401Unauthorized,
        Type = ProblemTypes.Unauthorized,
        Title = "Not signed in.",
        Detail = detail,
    });
}
