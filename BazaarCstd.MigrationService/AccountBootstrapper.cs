using BazaarCstd.Data.Identity;
using Npgsql;

namespace BazaarCstd.MigrationService;

/// <summary>
/// Makes sure the first admin exists (AppHost parameters <c>admin-email</c> / <c>admin-password</c>)
/// and, with demo data, the demo manager and staff accounts. Changing the admin-password parameter
/// and restarting sets the new password.
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
        string? hash;
        await using (var find = database.CreateCommand("SELECT password_hash FROM bazaar.users WHERE lower(email) = lower($1)"))
        {
            find.Parameters.AddWithValue(email);
            hash = (string?)await find.ExecuteScalarAsync(ct);
        }

        var newHash = hash is not null && Passwords.Verify(password, hash) ? hash : Passwords.Hash(password);
        await using var command = database.CreateCommand("""
            WITH u AS (
                INSERT INTO bazaar.users (id, email, password_hash, display_name) VALUES ($1, $2, $3, $4)
                ON CONFLICT (lower(email)) DO UPDATE SET password_hash = excluded.password_hash, is_active = true,
                    failed_logins = 0, locked_until = NULL
                RETURNING id),
            r AS (INSERT INTO bazaar.user_roles (user_id, role) SELECT id, $5 FROM u ON CONFLICT DO NOTHING)
            INSERT INTO bazaar.user_stores (user_id, store_id) SELECT u.id, s FROM u, unnest($6::uuid[]) AS s ON CONFLICT DO NOTHING
            """);
        command.Parameters.AddWithValue(Guid.CreateVersion7());
        command.Parameters.AddWithValue(email);
        command.Parameters.AddWithValue(newHash);
        command.Parameters.AddWithValue(displayName);
        command.Parameters.AddWithValue(role);
        command.Parameters.AddWithValue(stores);
        await command.ExecuteNonQueryAsync(ct);
    }
}
