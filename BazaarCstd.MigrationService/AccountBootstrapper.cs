using BazaarCstd.Data.Identity;
using Npgsql;

namespace BazaarCstd.MigrationService;

/// <summary>
/// Makes sure the first admin exists (AppHost parameters <c>admin-email</c> / <c>admin-password</c>)
/// and, with demo data, the demo manager and staff accounts. Changing the admin-password parameter
/// and restarting sets the new password and ends every session of that admin (their refresh tokens
/// now; their access tokens when the API starts, from <c>users.sessions_revoked_at</c>).
/// <para>
/// It never adopts an account it did not make: if the email already belongs to an account without
/// the role (someone registered it first, or an admin demoted it), nothing is changed and the
/// migrations fail with a message saying what to do. Promoting it would hand an administrator's
/// rights to whoever registered that address, with their sessions alive.
/// </para>
/// </summary>
public sealed class AccountBootstrapper(NpgsqlDataSource database, IConfiguration configuration, ILogger<AccountBootstrapper> logger)
{
    public const string DemoPassword = "Bazaar!Demo-2026";

    public async Task EnsureAdminAsync(CancellationToken ct)
    {
        var email = configuration["Bazaar:AdminEmail"];
        var password = configuration["Bazaar:AdminPassword"];
        if (string.IsNullOrWhiteSpace(email) || string.IsNullOrEmpty(password))
        {
            logger.LogWarning("No admin-email/admin-password given: no administrator account was created");
            return;
        }

        if (Passwords.Problem(password) is { } problem)
        {
            throw new InvalidOperationException($"The admin-password parameter {problem}");
        }

        await EnsureUserAsync(email.Trim(), password, "Administrator", "ADMIN", [], ct);
        logger.LogInformation("Administrator {Email} is ready", email);
    }

    /// <summary>manager@bazaar.local manages the demo stores DEMO-001…003; staff@bazaar.local works in DEMO-001.</summary>
    public async Task EnsureDemoUsersAsync(CancellationToken ct)
    {
        var stores = new List<Guid>();
        await using (var find = database.CreateCommand("SELECT id FROM bazaar.stores WHERE code LIKE 'DEMO-%' ORDER BY code LIMIT 3"))
        await using (var reader = await find.ExecuteReaderAsync(ct))
        {
            while (await reader.ReadAsync(ct))
            {
                stores.Add(reader.GetGuid(0));
            }
        }

        await EnsureUserAsync("manager@bazaar.local", DemoPassword, "Demo Manager", "STORE_MANAGER", [.. stores.Take(3)], ct);
        await EnsureUserAsync("staff@bazaar.local", DemoPassword, "Demo Staff", "STAFF", [.. stores.Take(1)], ct);
        logger.LogInformation("Demo accounts manager@bazaar.local and staff@bazaar.local are ready");
    }

    private async Task EnsureUserAsync(string email, string password, string displayName, string role, Guid[] stores, CancellationToken ct)
    {
        (Guid Id, string Hash, bool HasRole)? existing = null;
        await using (var find = database.CreateCommand("""
            SELECT u.id, u.password_hash, EXISTS (SELECT 1 FROM bazaar.user_roles r WHERE r.user_id = u.id AND r.role = $2) AS has_role
            FROM bazaar.users u WHERE lower(u.email) = lower($1)
            """))
        {
            find.Parameters.AddWithValue(email);
            find.Parameters.AddWithValue(role);
            await using var reader = await find.ExecuteReaderAsync(ct);
            if (await reader.ReadAsync(ct))
            {
                existing = (reader.GetGuid(0), reader.GetString(1), reader.GetBoolean(2));
            }
        }

        if (existing is { HasRole: false })
        {
            throw new InvalidOperationException(
                $"The account {email} already exists without the {role} role (self-registered, or demoted by an administrator), "
                + "so it was not made one: that would give its owner the role, sessions included. Nothing was changed. "
                + $"Set the parameter to an email that has no account yet, or have an administrator grant {email} the {role} role, then start again.");
        }

        if (existing is null)
        {
            await using var create = database.CreateCommand("""
                WITH u AS (
                    INSERT INTO bazaar.users (id, email, password_hash, display_name) VALUES ($1, $2, $3, $4)
                    ON CONFLICT (lower(email)) DO NOTHING RETURNING id),
                r AS (INSERT INTO bazaar.user_roles (user_id, role) SELECT id, $5 FROM u)
                INSERT INTO bazaar.user_stores (user_id, store_id) SELECT u.id, s FROM u, unnest($6::uuid[]) AS s
                """);
            create.Parameters.AddWithValue(Guid.CreateVersion7());
            create.Parameters.AddWithValue(email);
            create.Parameters.AddWithValue(Passwords.Hash(password));
            create.Parameters.AddWithValue(displayName);
            create.Parameters.AddWithValue(role);
            create.Parameters.AddWithValue(stores);
            await create.ExecuteNonQueryAsync(ct);
            return;
        }

        // Ours already. A new password ends every session: the old one may be why it was changed.
        var (id, hash, _) = existing.Value;
        var changed = !Passwords.Verify(password, hash);
        await using var update = database.CreateCommand("""
            WITH u AS (
                UPDATE bazaar.users SET is_active = true, must_change_password = false,
                    password_hash = CASE WHEN $2 THEN $3 ELSE password_hash END,
                    sessions_revoked_at = CASE WHEN $2 THEN now() ELSE sessions_revoked_at END
                WHERE id = $1 RETURNING id),
            ended AS (UPDATE bazaar.refresh_tokens t SET revoked_at = now() FROM u WHERE $2 AND t.user_id = u.id AND t.revoked_at IS NULL)
            INSERT INTO bazaar.user_stores (user_id, store_id) SELECT u.id, s FROM u, unnest($4::uuid[]) AS s ON CONFLICT DO NOTHING
            """);
        update.Parameters.AddWithValue(id);
        update.Parameters.AddWithValue(changed);
        update.Parameters.AddWithValue(changed ? Passwords.Hash(password) : hash);
        update.Parameters.AddWithValue(stores);
        await update.ExecuteNonQueryAsync(ct);
        if (changed)
        {
            logger.LogInformation("The password of {Email} was replaced and every session of it ended", email);
        }
    }
}
