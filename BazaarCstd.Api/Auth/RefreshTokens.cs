using BazaarCstd.Api.Infrastructure;
using Npgsql;

namespace BazaarCstd.Api.Auth;

/// <summary>
/// Refresh tokens with rotation and reuse detection. Each sign-in starts a family; each refresh
/// replaces the presented token with a new one of the same family. A token that was already replaced
/// (or revoked) being presented again means it leaked: the whole family is revoked. A token lives
/// 7 days and its family (the session) 30 days from the sign-in, however often it is refreshed.
/// Ending every session of a user is <see cref="UserAccounts"/>' business: it goes with the change
/// that calls for it (a new password, deactivation) in one statement.
/// </summary>
public sealed class RefreshTokens(NpgsqlDataSource database, TimeProvider clock)
{
    public enum Outcome
    {
        Rotated,
        Invalid,
        Reused,
    }

    public sealed record Rotation(Outcome Outcome, Guid UserId = default, Guid FamilyId = default, string? Token = null);

    /// <summary>Starts a session: the first token of a new family, which ends <paramref name="sessionLifetime"/> from now whatever its rotations.</summary>
    public async Task<string> IssueAsync(Guid userId, Guid familyId, TimeSpan lifetime, TimeSpan sessionLifetime, CancellationToken ct)
    {
        var token = TokenService.NewRefreshToken();
        var now = clock.GetUtcNow();
        var familyExpires = now + sessionLifetime;
        await using var command = database.CreateCommand(
            "INSERT INTO bazaar.refresh_tokens (id, user_id, family_id, token_hash, expires_at, family_expires_at) VALUES ($1, $2, $3, $4, $5, $6)");
        command.Parameters.AddWithValue(Guid.CreateVersion7());
        command.Parameters.AddWithValue(userId);
        command.Parameters.AddWithValue(familyId);
        command.Parameters.AddWithValue(TokenService.HashRefreshToken(token));
        command.Parameters.AddWithValue(Min(now + lifetime, familyExpires));
        command.Parameters.AddWithValue(familyExpires);
        await command.ExecuteNonQueryAsync(ct);
        return token;
    }

    public async Task<Rotation> RotateAsync(string token, TimeSpan lifetime, CancellationToken ct)
    {
        await using var connection = await database.OpenConnectionAsync(ct);
        await using var transaction = await connection.BeginTransactionAsync(ct);
        Guid id, userId, familyId;
        DateTimeOffset familyExpires;
        bool spent, expired;

        // A user who must change their password has no session to refresh (the reset ended them all).
        await using (var find = new NpgsqlCommand("""
            SELECT t.id, t.user_id, t.family_id, t.family_expires_at, t.revoked_at IS NOT NULL OR t.replaced_by IS NOT NULL AS spent,
                   t.expires_at <= $2 OR t.family_expires_at <= $2 OR NOT u.is_active OR u.must_change_password AS expired
            FROM bazaar.refresh_tokens t JOIN bazaar.users u ON u.id = t.user_id
            WHERE t.token_hash = $1 FOR UPDATE OF t
            """, connection, transaction))
        {
            find.Parameters.AddWithValue(TokenService.HashRefreshToken(token));
            find.Parameters.AddWithValue(clock.GetUtcNow());
            await using var reader = await find.ExecuteReaderAsync(ct);
            if (!await reader.ReadAsync(ct))
            {
                return new Rotation(Outcome.Invalid);
            }

            (id, userId, familyId, familyExpires, spent, expired) = (reader.Column<Guid>("id"), reader.Column<Guid>("user_id"), reader.Column<Guid>("family_id"),
                reader.Column<DateTimeOffset>("family_expires_at"), reader.Column<bool>("spent"), reader.Column<bool>("expired"));
        }

        if (spent)
        {
            await RevokeFamilyAsync(connection, transaction, familyId, ct);
            await transaction.CommitAsync(ct);
            return new Rotation(Outcome.Reused, userId, familyId);
        }

        if (expired)
        {
            return new Rotation(Outcome.Invalid);
        }

        var next = TokenService.NewRefreshToken();
        var nextId = Guid.CreateVersion7();
        await using (var rotate = new NpgsqlCommand("""
            WITH added AS (
                INSERT INTO bazaar.refresh_tokens (id, user_id, family_id, token_hash, expires_at, family_expires_at) VALUES ($1, $2, $3, $4, $5, $7))
            UPDATE bazaar.refresh_tokens SET revoked_at = now(), replaced_by = $1 WHERE id = $6
            """, connection, transaction))
        {
            rotate.Parameters.AddWithValue(nextId);
            rotate.Parameters.AddWithValue(userId);
            rotate.Parameters.AddWithValue(familyId);
            rotate.Parameters.AddWithValue(TokenService.HashRefreshToken(next));
            rotate.Parameters.AddWithValue(Min(clock.GetUtcNow() + lifetime, familyExpires));
            rotate.Parameters.AddWithValue(id);
            rotate.Parameters.AddWithValue(familyExpires);
            await rotate.ExecuteNonQueryAsync(ct);
        }

        await transaction.CommitAsync(ct);
        return new Rotation(Outcome.Rotated, userId, familyId, next);
    }

    public async Task RevokeFamilyAsync(Guid userId, Guid familyId, CancellationToken ct)
    {
        await using var connection = await database.OpenConnectionAsync(ct);
        await using var command = new NpgsqlCommand(
            "UPDATE bazaar.refresh_tokens SET revoked_at = now() WHERE family_id = $1 AND user_id = $2 AND revoked_at IS NULL", connection);
        command.Parameters.AddWithValue(familyId);
        command.Parameters.AddWithValue(userId);
        await command.ExecuteNonQueryAsync(ct);
    }

    private static DateTimeOffset Min(DateTimeOffset a, DateTimeOffset b) => a < b ? a : b;

    private static async Task RevokeFamilyAsync(NpgsqlConnection connection, NpgsqlTransaction transaction, Guid familyId, CancellationToken ct)
    {
        await using var command = new NpgsqlCommand(
            "UPDATE bazaar.refresh_tokens SET revoked_at = now() WHERE family_id = $1 AND revoked_at IS NULL", connection, transaction);
        command.Parameters.AddWithValue(familyId);
        await command.ExecuteNonQueryAsync(ct);
    }
}
