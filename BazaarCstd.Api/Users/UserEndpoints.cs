using BazaarCstd.Api.Auth;
using BazaarCstd.Api.Infrastructure;
using BazaarCstd.Contracts;
using BazaarCstd.Contracts.Auth;
using BazaarCstd.Data.Identity;
using Microsoft.AspNetCore.Http.HttpResults;

namespace BazaarCstd.Api.Users;

/// <summary>
/// Admin user management. A change of roles, stores or status voids the user's access tokens at
/// once (every replica checks the Redis stamp); their next refresh carries the new claims. A
/// password reset, a deactivation and a revoke also end the user's refresh tokens: they sign in again.
/// </summary>
public static class UserEndpoints
{
    public static IEndpointRouteBuilder MapUsers(this IEndpointRouteBuilder api)
    {
        var group = api.MapGroup("/users").WithTags("Users").RequireAuthorization(Roles.Policies.Admin);
        group.MapGet("/", List).WithName("ListUsers").WithSummary("User accounts with their roles and stores.");
        group.MapGet("/{id:guid}", Get).WithName("GetUser").ProducesProblem(StatusCodes.Status404NotFound).WithSummary("One user account.");
        group.MapPut("/{id:guid}/roles", SetRoles).WithName("SetUserRoles")
            .WithSummary("Replaces the user's roles (ADMIN, STORE_MANAGER, STAFF).")
            .ProducesProblem(StatusCodes.Status404NotFound).ProducesProblem(StatusCodes.Status409Conflict);
        group.MapPut("/{id:guid}/stores", SetStores).WithBodyLimit(64 * 1024).WithName("SetUserStores")
            .WithSummary("Replaces the stores the user is assigned to.")
            .ProducesProblem(StatusCodes.Status404NotFound);
        group.MapPut("/{id:guid}/active", SetActive).WithName("SetUserActive")
            .WithSummary("Activates or deactivates the user; deactivation ends all their sessions.")
            .ProducesProblem(StatusCodes.Status404NotFound).ProducesProblem(StatusCodes.Status409Conflict);
        group.MapPut("/{id:guid}/password", ResetPassword).WithName("ResetUserPassword")
            .WithSummary("Sets a temporary password the user must change at the next sign-in; ends all their sessions.")
            .ProducesProblem(StatusCodes.Status404NotFound);
        group.MapPost("/{id:guid}/sessions/revoke", RevokeSessions).WithName("RevokeUserSessions")
            .WithSummary("Ends all the user's sessions (the last admin's too); the account stays active.")
            .ProducesProblem(StatusCodes.Status404NotFound);
        return api;
    }

    internal static async Task<Results<Ok<Page<UserProfile>>, ValidationProblem>> List(
        string? cursor, int? limit, string? email, UserAccounts users, CancellationToken ct)
    {
        var v = new Validation().Optional("email", email, 254);
        var after = Cursor.Decode(cursor, 1);
        Cursor.Validate(v, cursor, after, limit);
        if (!v.IsValid)
        {
            return v.ToProblem();
        }

        var take = limit ?? Cursor.DefaultLimit;
        var page = await users.ListAsync(after?[0], email?.Trim(), take + 1, ct);
        return TypedResults.Ok(Cursor.ToPage(page, take, last => Cursor.Encode(last.Email.ToLowerInvariant())));
    }

    internal static async Task<Results<Ok<UserProfile>, ProblemHttpResult>> Get(Guid id, UserAccounts users, CancellationToken ct) =>
        await users.FindByIdAsync(id, ct) is { } account ? TypedResults.Ok(account.Profile) : NotFound(id);

    internal static async Task<Results<Ok<UserProfile>, ProblemHttpResult, ValidationProblem>> SetRoles(
        Guid id, UserRolesRequest body, UserAccounts users, WriteSession session, TokenRevocation revocation, TokenService tokens, CancellationToken ct)
    {
        var v = new Validation();
        var roles = body.Roles ?? [];
        if (body.Roles is null || roles.Any(r => !Roles.All.Contains(r)) || roles.Count > Roles.All.Count)
        {
            v.Add("roles", $"must be a list of: {string.Join(", ", Roles.All)}.");
        }

        return v.IsValid
            ? await ApplyAsync(id, await users.SetRolesAsync(session, id, [.. roles.Distinct()], ct), users, session, revocation, tokens, ct)
            : v.ToProblem();
    }

    internal static async Task<Results<Ok<UserProfile>, ProblemHttpResult, ValidationProblem>> SetStores(
        Guid id, UserStoresRequest body, UserAccounts users, WriteSession session, TokenRevocation revocation, TokenService tokens, CancellationToken ct)
    {
        var v = new Validation();
        var stores = body.StoreIds?.Distinct().ToList() ?? [];
        if (body.StoreIds is null || stores.Count > 1000)
        {
            v.Add("storeIds", "must be a list of at most 1000 store ids.");
        }
        else if (await users.UnknownStoresAsync(stores, ct) is { Count: > 0 } unknown)
        {
            v.Add("storeIds", $"unknown or archived stores: {string.Join(", ", unknown)}.");
        }

        return v.IsValid
            ? await ApplyAsync(id, await users.SetStoresAsync(session, id, stores, ct), users, session, revocation, tokens, ct)
            : v.ToProblem();
    }

    internal static async Task<Results<Ok<UserProfile>, ProblemHttpResult, ValidationProblem>> SetActive(
        Guid id, UserActiveRequest body, UserAccounts users, WriteSession session, TokenRevocation revocation, TokenService tokens, CancellationToken ct)
    {
        var v = new Validation().Required("isActive", body.IsActive);
        return v.IsValid
            ? await ApplyAsync(id, await users.SetActiveAsync(session, id, body.IsActive!.Value, ct), users, session, revocation, tokens, ct)
            : v.ToProblem();
    }

    internal static async Task<Results<Ok<UserProfile>, ProblemHttpResult, ValidationProblem>> ResetPassword(
        Guid id, ResetPasswordRequest body, UserAccounts users, WriteSession session, TokenRevocation revocation, TokenService tokens, CancellationToken ct)
    {
        var v = new Validation();
        if (Passwords.Problem(body.NewPassword) is { } problem)
        {
            v.Add("newPassword", problem);
        }

        return v.IsValid
            ? await ApplyAsync(id, await users.ResetPasswordAsync(session, id, Passwords.Hash(body.NewPassword!), ct), users, session, revocation, tokens, ct)
            : v.ToProblem();
    }

    internal static async Task<Results<NoContent, ProblemHttpResult>> RevokeSessions(
        Guid id, UserAccounts users, WriteSession session, TokenRevocation revocation, TokenService tokens, CancellationToken ct)
    {
        if (await users.EndSessionsAsync(session, id, ct) == UserAccounts.Change.NotFound)
        {
            return NotFound(id);
        }

        await revocation.RevokeIssuedBeforeNowAsync(id, tokens.Options.AccessTokenLifetime);
        return TypedResults.NoContent();
    }

    private static async Task<Results<Ok<UserProfile>, ProblemHttpResult, ValidationProblem>> ApplyAsync(
        Guid id, UserAccounts.Change change, UserAccounts users, WriteSession session, TokenRevocation revocation, TokenService tokens, CancellationToken ct)
    {
        switch (change)
        {
            case UserAccounts.Change.NotFound:
                return NotFound(id);
            case UserAccounts.Change.LastAdmin:
                throw new DomainException(StatusCodes.Status409Conflict, ProblemTypes.Conflict, "The last administrator must stay.",
                    "This would leave no active administrator. Make someone else an administrator first.");
        }

        await revocation.RevokeIssuedBeforeNowAsync(id, tokens.Options.AccessTokenLifetime);
        return TypedResults.Ok((await users.FindByIdAsync(id, session, ct))!.Profile);
    }

    private static ProblemHttpResult NotFound(Guid id) => Problems.NotFound("Unknown user.", $"No user {id}.");
}
