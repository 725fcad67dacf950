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
    public sealed record Account(UserProfile Profile, string PasswordHash, int FailedLogins);

    private const string Select = """
        SELECT u.id, u.email, u.display_name, u.is_active,
               coalesce((SELECT array_agg(r.role ORDER BY r.role) FROM bazaar.user_roles r WHERE r.user_id = u.id), '{}') AS roles,
               coalesce((SELECT array_agg(s.store_id ORDER BY s.store_id) FROM bazaar.user_stores s WHERE s.user_id = u.id), '{}') AS store_ids,
               u.locked_until, u.created_at, u.password_hash, u.failed_logins
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

    public async Task<List<UserProfile>> ListAsync(string? afterEmail, int take, CancellationToken ct)
    {
        await using var command = database.CreateCommand($"{Select} WHERE ($1::text IS NULL OR lower(u.email) > $1) ORDER BY lower(u.email) LIMIT $2");
        command.Parameters.Add(NullableParameter.Text(afterEmail));
        command.Parameters.AddWithValue(take);
        var users = new List<UserProfile>();
        await using var reader = await command.ExecuteReaderAsync(ct);
        while (await reader.ReadAsync(ct))
        {
            users.Add(Read(reader).Profile);
        }

        return users;
    }

    /// <summary>A new STAFF account with no stores; null when the email is taken.</summary>
    public async Task<UserProfile?> CreateAsync(WriteSession session, string email, string passwordHash, string displayName, CancellationToken ct)
    {
        await using var command = session.CreateCommand("""
            WITH u AS (
                INSERT INTO bazaar.users (id, email, password_hash, display_name) VALUES ($1, $2, $3, $4)
                ON CONFLICT DO NOTHING RETURNING id),
            r AS (INSERT INTO bazaar.user_roles (user_id, role) SELECT id, 'STAFF' FROM u)
            SELECT count(*) FROM u
            """);
        var id = Guid.CreateVersion7();
        command.Parameters.AddWithValue(id);
        command.Parameters.AddWithValue(email);
        command.Parameters.AddWithValue(passwordHash);
        command.Parameters.AddWithValue(displayName);
        if ((long)(await command.ExecuteScalarAsync(ct))! == 0)
        {
            return null;
        }

        return new UserProfile(id, email, displayName, true, [Roles.Staff], [], null, DateTimeOffset.UtcNow);
    }

    /// <summary>Saves a failed sign-in if nobody else changed the count meanwhile (false: read again and retry).</summary>
    public async Task<bool> SaveFailureAsync(WriteSession session, Guid id, int expectedFailures, LockoutPolicy.State next, CancellationToken ct)
    {
        await using var command = session.CreateCommand(
            "UPDATE bazaar.users SET failed_logins = $3, locked_until = $4 WHERE id = $1 AND failed_logins = $2");
        command.Parameters.AddWithValue(id);
        command.Parameters.AddWithValue(expectedFailures);
        command.Parameters.AddWithValue(next.FailedLogins);
        command.Parameters.Add(NullableParameter.Timestamp(next.LockedUntil));
        return await command.ExecuteNonQueryAsync(ct) == 1;
    }

    public async Task ClearFailuresAsync(WriteSession session, Guid id, CancellationToken ct)
    {
        await using var command = session.CreateCommand(
            "UPDATE bazaar.users SET failed_logins = 0, locked_until = NULL WHERE id = $1 AND (failed_logins <> 0 OR locked_until IS NOT NULL)");
        command.Parameters.AddWithValue(id);
        await command.ExecuteNonQueryAsync(ct);
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
                UPDATE bazaar.users SET is_active = $2, failed_logins = 0, locked_until = NULL
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
            unknown.Add(reader.GetGuid(0));
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
            r.Column<string[]>("roles"), r.Column<Guid[]>("store_ids"), r.Column<DateTimeOffset?>("locked_until"), r.Column<DateTimeOffset>("created_at")),
        r.Column<string>("password_hash"), r.Column<int>("failed_logins"));
}
