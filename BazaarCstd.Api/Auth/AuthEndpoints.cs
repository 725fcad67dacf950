using System.Security.Claims;
using BazaarCstd.Api.Infrastructure;
using BazaarCstd.Api.Infrastructure.Idempotency;
using BazaarCstd.Contracts.Auth;
using BazaarCstd.Data.Identity;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;
using Microsoft.IdentityModel.JsonWebTokens;

namespace BazaarCstd.Api.Auth;

public static class AuthEndpoints
{
    public static IEndpointRouteBuilder MapAuth(this IEndpointRouteBuilder api)
    {
        var group = api.MapGroup("/auth").WithTags("Auth").WithMetadata(new IdempotencyExemptAttribute());
        group.MapPost("/register", Register).AllowAnonymous().WithName("Register")
            .WithSummary("Creates a STAFF account with no stores; an admin grants roles and stores.")
            .ProducesProblem(StatusCodes.Status409Conflict);
        group.MapPost("/login", Login).AllowAnonymous().WithName("Login")
            .WithSummary("Access token (15 min) and refresh token (7 days).")
            .ProducesProblem(StatusCodes.Status401Unauthorized);
        group.MapPost("/refresh", Refresh).AllowAnonymous().WithName("Refresh")
            .WithSummary("Swaps a refresh token for new tokens; a refresh token works once.")
            .ProducesProblem(StatusCodes.Status401Unauthorized);
        group.MapPost("/logout", Logout).WithName("Logout")
            .WithSummary("Ends this session: its refresh tokens and this access token stop working.");
        group.MapGet("/profile", Profile).WithName("GetProfile")
            .WithSummary("The signed-in user, their roles and stores.");
        return api;
    }

    internal static async Task<Results<Created<UserProfile>, ValidationProblem>> Register(
        RegisterRequest body, UserAccounts users, WriteSession session, CancellationToken ct)
    {
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

        var created = await users.CreateAsync(session, email!, Passwords.Hash(body.Password!), body.DisplayName!.Trim(), ct)
            ?? throw new DomainException(StatusCodes.Status409Conflict, ProblemTypes.DuplicateEmail, "Email already registered.",
                "An account with this email exists. Sign in, or ask an administrator to reset it.");
        return TypedResults.Created($"/api/users/{created.Id}", created);
    }

    internal static async Task<Results<Ok<TokenResponse>, ProblemHttpResult, ValidationProblem>> Login(
        LoginRequest body, UserAccounts users, WriteSession session, RefreshTokens refreshTokens, TokenService tokens, TimeProvider clock, CancellationToken ct)
    {
        var v = new Validation().Required("email", body.Email, 254).Required("password", body.Password, Passwords.MaxLength);
        if (!v.IsValid)
        {
            return v.ToProblem();
        }

        var lockout = LockoutPolicy.From(tokens.Options);
        for (var attempt = 0; attempt < 5; attempt++)
        {
            // Unknown, inactive, locked and wrong password all take one bcrypt check and get the same answer.
            var account = await users.FindByEmailAsync(body.Email!.Trim(), ct);
            var passwordOk = Passwords.Verify(body.Password!, account?.PasswordHash);
            if (account is null || !account.Profile.IsActive)
            {
                return InvalidCredentials();
            }

            var now = clock.GetUtcNow();
            var state = new LockoutPolicy.State(account.FailedLogins, account.Profile.LockedUntil);
            if (lockout.IsLocked(state, now))
            {
                return InvalidCredentials();
            }

            if (!passwordOk)
            {
                if (!await users.SaveFailureAsync(session, account.Profile.Id, account.FailedLogins, lockout.AfterFailure(state, now), ct))
                {
                    continue; // a parallel attempt counted first: count this one on top of it
                }

                return InvalidCredentials();
            }

            await users.ClearFailuresAsync(session, account.Profile.Id, ct);
            return TypedResults.Ok(await IssueAsync(account.Profile, Guid.NewGuid(), null, refreshTokens, tokens, ct));
        }

        return InvalidCredentials();
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

        if (user.FindFirstValue(JwtRegisteredClaimNames.Jti) is { } jti
            && long.TryParse(user.FindFirstValue(JwtRegisteredClaimNames.Exp), out var exp))
        {
            await revocation.DenyAsync(jti, DateTimeOffset.FromUnixTimeSeconds(exp));
        }

        return TypedResults.NoContent();
    }

    internal static async Task<Results<Ok<UserProfile>, ProblemHttpResult>> Profile(ClaimsPrincipal user, UserAccounts users, CancellationToken ct) =>
        user.Id() is { } id && await users.FindByIdAsync(id, ct) is { } account
            ? TypedResults.Ok(account.Profile)
            : Unauthorized("The account no longer exists.");

    private static async Task<TokenResponse> IssueAsync(
        UserProfile user, Guid family, string? refreshToken, RefreshTokens refreshTokens, TokenService tokens, CancellationToken ct)
    {
        refreshToken ??= await refreshTokens.IssueAsync(user.Id, family, tokens.Options.RefreshTokenLifetime, ct);
        var access = tokens.CreateAccessToken(user.Id, user.Email, user.DisplayName, user.Roles, user.StoreIds, family);
        return new TokenResponse(access.Token, refreshToken, (int)tokens.Options.AccessTokenLifetime.TotalSeconds);
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
