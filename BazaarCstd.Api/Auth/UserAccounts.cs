using BazaarCstd.Api.Infrastructure;
using BazaarCstd.Contracts.Auth;
using Npgsql;
using NpgsqlTypes;

namespace BazaarCstd.Api.Auth;

/// <summary>
/// The <c>users</c>, <c>user_roles</c> and <c>user_stores</c> tables. Each change is one statement,
/// made through the request's <see cref="WriteSession"/> so the audit log names who made it. Raw SQL
/// rather than EF Core: each change is a single statement that also decides, under a lock, whether
/// it may happen (the last administrator stays), which a tracked entity cannot say in one round trip.
/// </summary>
public sealed class UserAccounts(NpgsqlDataSource database)
{
    public sealed record Account(UserProfile Profile, string PasswordHash);

    private const string Select = """
        SELECT u.id, u.email, u.display_name, u.is_active,
               coalesce((SELECT array_agg(r.role ORDER BY r.role) FROM bazaar.user_roles r WHERE r.user_id = u.id), '{}') AS roles,
               coalesce((SELECT array_agg(s.store_id ORDER BY s.store_id) FROM bazaar.user_stores s WHERE s.user_id = u.id), '{}') AS store_ids,
               u.must_change_password, u.created_at, u.password_hash
        FROM bazaar.users u
        """;

    public Task<Account?> FindByEmailAsync(string email, CancellationToken ct) =>
        SingleAsync(database.CreateCommand($"{Select} WHERE lower(u.email) = lower($1)"), email, ct);

    public Task<Account?> FindByIdAsync(Guid id, CancellationToken ct) => FindByIdAsync(id, null, ct);

    /// <summary>Reads through <paramref name="session"/> when given, so a change not yet committed is seen.</summary>
    public Task<Account?> FindByIdAsync(Guid id, WriteSession? session, CancellationToken ct)
    {
        var sql = $"{Select} WHERE u.id = $1";
        return session is null ? SingleAsync(database.CreateCommand(sql), id, ct) : SingleAsync(session.CreateQuery(sql), id, ct);
    }

    /// <summary>Users by email; <paramref name="email"/>, when given, keeps only that one (any case).</summary>
    public async Task<List<UserProfile>> ListAsync(string? afterEmail, string? email, int take, CancellationToken ct)
    {
        await using var command = database.CreateCommand(
            $"{Select} WHERE ($1::text IS NULL OR lower(u.email) > $1) AND ($3::text IS NULL OR lower(u.email) = lower($3)) ORDER BY lower(u.email) LIMIT $2");
        command.Parameters.Add(NullableParameter.Text(afterEmail));
        command.Parameters.AddWithValue(take);
        command.Parameters.Add(NullableParameter.Text(email));
        var users = new List<UserProfile>();
        await using var reader = await command.ExecuteReaderAsync(ct);
        while (await reader.ReadAsync(ct))
        {
            users.Add(Read(reader).Profile);
        }

        return users;
    }

    /// <summary>
    /// A new STAFF account with no stores; false (and nothing changed) when the email is taken. Either
    /// way the statement takes a transaction id (<c>pg_current_xact_id()</c>), so its commit waits for
    /// the WAL flush: a taken email writes no row, and on a busy disk its faster commit would tell
    /// registration's callers who has an account.
    /// </summary>
    public async Task<bool> CreateAsync(WriteSession session, string email, string passwordHash, string displayName, CancellationToken ct)
    {
        await using var command = session.CreateCommand("""
            WITH u AS (
                INSERT INTO bazaar.users (id, email, password_hash, display_name) VALUES ($1, $2, $3, $4)
                ON CONFLICT DO NOTHING RETURNING id),
            r AS (INSERT INTO bazaar.user_roles (user_id, role) SELECT id, 'STAFF' FROM u)
            SELECT (SELECT count(*) FROM u), pg_current_xact_id()
            """);
        command.Parameters.AddWithValue(Guid.CreateVersion7());
        command.Parameters.AddWithValue(email);
        command.Parameters.AddWithValue(passwordHash);
        command.Parameters.AddWithValue(displayName);
        return (long)(await command.ExecuteScalarAsync(ct))! == 1;
    }

    // Every session of the user ends with the change that calls for it, in the same statement: their
    // refresh tokens are revoked and sessions_revoked_at says when (the caller then stamps Redis, so
    // their access tokens stop too; SessionRevocationCatchUp does it for changes made without Redis).
    private const string EndSessions = """
        ended AS (
            UPDATE bazaar.refresh_tokens t SET revoked_at = now()
            FROM u WHERE t.user_id = u.id AND t.revoked_at IS NULL)
        """;

    /// <summary>
    /// The user's own change: sets <paramref name="newHash"/> only if the password is still the one
    /// checked (<paramref name="checkedHash"/>), so of parallel changes exactly one wins, and ends
    /// every session. False when the password changed meanwhile or the account is inactive.
    /// </summary>
    public async Task<bool> ChangePasswordAsync(WriteSession session, Guid id, string checkedHash, string newHash, CancellationToken ct)
    {
        await using var command = session.CreateCommand($"""
            WITH u AS (
                UPDATE bazaar.users SET password_hash = $3, must_change_password = false, sessions_revoked_at = now()
                WHERE id = $1 AND password_hash = $2 AND is_active RETURNING id),
            {EndSessions}
            SELECT count(*) FROM u
            """);
        command.Parameters.AddWithValue(id);
        command.Parameters.AddWithValue(checkedHash);
        command.Parameters.AddWithValue(newHash);
        return (long)(await command.ExecuteScalarAsync(ct))! == 1;
    }

    /// <summary>An admin's reset: a temporary password the user must change at the next sign-in; every session ends.</summary>
    public async Task<Change> ResetPasswordAsync(WriteSession session, Guid id, string newHash, CancellationToken ct)
    {
        await using var command = session.CreateCommand($"""
            WITH u AS (
                UPDATE bazaar.users SET password_hash = $2, must_change_password = true, sessions_revoked_at = now()
                WHERE id = $1 RETURNING id),
            {EndSessions}
            SELECT EXISTS (SELECT 1 FROM u) AS found, true AS allowed
            """);
        command.Parameters.AddWithValue(id);
        command.Parameters.AddWithValue(newHash);
        return await ChangeAsync(command, ct);
    }

    /// <summary>
    /// Ends every session of the user; the account stays as it is. No last-admin rule: the last
    /// admin signs in again, and ending a stolen admin session must always be possible.
    /// </summary>
    public async Task<Change> EndSessionsAsync(WriteSession session, Guid id, CancellationToken ct)
    {
        await using var command = session.CreateCommand($"""
            WITH u AS (UPDATE bazaar.users SET sessions_revoked_at = now() WHERE id = $1 RETURNING id),
            {EndSessions}
            SELECT EXISTS (SELECT 1 FROM u) AS found, true AS allowed
            """);
        command.Parameters.AddWithValue(id);
        return await ChangeAsync(command, ct);
    }

    /// <summary>
    /// Role and status changes serialise on this lock: "another active admin remains" is a check
    /// across rows, and two admins demoting each other at once would otherwise both pass it and
    /// leave the chain with none.
    /// </summary>
    private const string AdminsLock = "bazaar.users.admins";

    public enum Change
    {
        Done,
        NotFound,
        LastAdmin,
    }

    /// <summary>Replaces the user's roles; refuses to leave the chain without an active admin.</summary>
    public async Task<Change> SetRolesAsync(WriteSession session, Guid id, IReadOnlyList<string> roles, CancellationToken ct)
    {
        await using var command = session.CreateCommand(serializeOn: AdminsLock, sql: """
            WITH target AS (SELECT id FROM bazaar.users WHERE id = $1),
            allowed AS (
                SELECT 'ADMIN' = ANY ($2) OR EXISTS (
                    SELECT 1 FROM bazaar.user_roles r JOIN bazaar.users x ON x.id = r.user_id
                    WHERE r.role = 'ADMIN' AND x.is_active AND r.user_id <> $1) AS ok),
            removed AS (
                DELETE FROM bazaar.user_roles r USING target
                WHERE r.user_id = target.id AND NOT (r.role = ANY ($2)) AND (SELECT ok FROM allowed)),
            added AS (
                INSERT INTO bazaar.user_roles (user_id, role)
                SELECT target.id, role FROM target, unnest($2::text[]) AS role WHERE (SELECT ok FROM allowed)
                ON CONFLICT DO NOTHING)
            SELECT EXISTS (SELECT 1 FROM target) AS found, (SELECT ok FROM allowed) AS allowed
            """);
        command.Parameters.AddWithValue(id);
        command.Parameters.Add(new NpgsqlParameter { Value = roles.ToArray(), NpgsqlDbType = NpgsqlDbType.Array | NpgsqlDbType.Text });
        return await ChangeAsync(command, ct);
    }

    /// <summary>Replaces the user's store assignments. Unknown store ids must be checked first.</summary>
    public async Task<Change> SetStoresAsync(WriteSession session, Guid id, IReadOnlyList<Guid> stores, CancellationToken ct)
    {
        await using var command = session.CreateCommand("""
            WITH target AS (SELECT id FROM bazaar.users WHERE id = $1),
            removed AS (DELETE FROM bazaar.user_stores s USING target WHERE s.user_id = target.id AND NOT (s.store_id = ANY ($2))),
            added AS (
                INSERT INTO bazaar.user_stores (user_id, store_id)
                SELECT target.id, store FROM target, unnest($2::uuid[]) AS store
                ON CONFLICT DO NOTHING)
            SELECT EXISTS (SELECT 1 FROM target) AS found, true AS allowed
            """);
        command.Parameters.AddWithValue(id);
        command.Parameters.Add(new NpgsqlParameter { Value = stores.ToArray(), NpgsqlDbType = NpgsqlDbType.Array | NpgsqlDbType.Uuid });
        return await ChangeAsync(command, ct);
    }

    /// <summary>Activates or deactivates; deactivating also revokes every refresh token of the user.</summary>
    public async Task<Change> SetActiveAsync(WriteSession session, Guid id, bool active, CancellationToken ct)
    {
        await using var command = session.CreateCommand(serializeOn: AdminsLock, sql: """
            WITH allowed AS (
                SELECT $2 OR NOT EXISTS (SELECT 1 FROM bazaar.user_roles WHERE user_id = $1 AND role = 'ADMIN') OR EXISTS (
                    SELECT 1 FROM bazaar.user_roles r JOIN bazaar.users x ON x.id = r.user_id
                    WHERE r.role = 'ADMIN' AND x.is_active AND r.user_id <> $1) AS ok),
            changed AS (
                UPDATE bazaar.users SET is_active = $2, sessions_revoked_at = CASE WHEN $2 THEN sessions_revoked_at ELSE now() END
                WHERE id = $1 AND (SELECT ok FROM allowed) RETURNING id),
            revoked AS (
                UPDATE bazaar.refresh_tokens SET revoked_at = now()
                WHERE user_id = $1 AND NOT $2 AND revoked_at IS NULL AND (SELECT ok FROM allowed))
            SELECT EXISTS (SELECT 1 FROM bazaar.users WHERE id = $1) AS found, (SELECT ok FROM allowed) AS allowed
            """);
        command.Parameters.AddWithValue(id);
        command.Parameters.AddWithValue(active);
        return await ChangeAsync(command, ct);
    }

    /// <summary>The ids among <paramref name="stores"/> that are not existing, unarchived stores.</summary>
    public async Task<List<Guid>> UnknownStoresAsync(IReadOnlyList<Guid> stores, CancellationToken ct)
    {
        await using var command = database.CreateCommand(
            "SELECT s FROM unnest($1::uuid[]) AS s WHERE NOT EXISTS (SELECT 1 FROM bazaar.stores WHERE id = s AND archived_at IS NULL)");
        command.Parameters.Add(new NpgsqlParameter { Value = stores.ToArray(), NpgsqlDbType = NpgsqlDbType.Array | NpgsqlDbType.Uuid });
        var unknown = new List<Guid>();
        await using var reader = await command.ExecuteReaderAsync(ct);
        while (await reader.ReadAsync(ct))
        {
            unknown.Add(reader.Column<Guid>("s"));
        }

        return unknown;
    }

    private static async Task<Change> ChangeAsync(WriteCommand command, CancellationToken ct)
    {
        await using var reader = await command.ExecuteReaderAsync(ct);
        await reader.ReadAsync(ct);
        return !reader.Column<bool>("found") ? Change.NotFound : reader.Column<bool>("allowed") ? Change.Done : Change.LastAdmin;
    }

    private static async Task<Account?> SingleAsync<T>(WriteCommand command, T key, CancellationToken ct)
    {
        await using (command)
        {
            command.Parameters.AddWithValue(key!);
            return await SingleAsync(await command.ExecuteReaderAsync(ct), ct);
        }
    }

    private static async Task<Account?> SingleAsync<T>(NpgsqlCommand command, T key, CancellationToken ct)
    {
        await using (command)
        {
            command.Parameters.AddWithValue(key!);
            return await SingleAsync(await command.ExecuteReaderAsync(ct), ct);
        }
    }

    private static async Task<Account?> SingleAsync(NpgsqlDataReader reader, CancellationToken ct)
    {
        await using (reader)
        {
            return await reader.ReadAsync(ct) ? Read(reader) : null;
        }
    }

    private static Account Read(NpgsqlDataReader r) => new(
        new UserProfile(
            r.Column<Guid>("id"), r.Column<string>("email"), r.Column<string>("display_name"), r.Column<bool>("is_active"),
            r.Column<string[]>("roles"), r.Column<Guid[]>("store_ids"), r.Column<bool>("must_change_password"), r.Column<DateTimeOffset>("created_at")),
        r.Column<string>("password_hash"));
}
