using BazaarCstd.Api.Infrastructure;
using Npgsql;

namespace BazaarCstd.Api.Auth;

/// <summary>
/// Refresh tokens with rotation and reuse detection. Each sign-in starts a family; each refresh
/// replaces the presented token with a new one of the same family. A token that was already replaced
/// (or revoked) being presented again means it leaked: the whole family is revoked.
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

    public async Task<string> IssueAsync(Guid userId, Guid familyId, TimeSpan lifetime, CancellationToken ct)
    {
        var token = TokenService.NewRefreshToken();
        await using var command = database.CreateCommand(
            "INSERT INTO bazaar.refresh_tokens (id, user_id, family_id, token_hash, expires_at) VALUES ($1, $2, $3, $4, $5)");
        command.Parameters.AddWithValue(Guid.CreateVersion7());
        command.Parameters.AddWithValue(userId);
        command.Parameters.AddWithValue(familyId);
        command.Parameters.AddWithValue(TokenService.HashRefreshToken(token));
        command.Parameters.AddWithValue(clock.GetUtcNow() + lifetime);
        await command.ExecuteNonQueryAsync(ct);
        return token;
    }

    public async Task<Rotation> RotateAsync(string token, TimeSpan lifetime, CancellationToken ct)
    {
        await using var connection = await database.OpenConnectionAsync(ct);
        await using var transaction = await connection.BeginTransactionAsync(ct);
        Guid id, userId, familyId;
        bool spent, expired;
        await using (var find = new NpgsqlCommand("""
            SELECT t.id, t.user_id, t.family_id, t.revoked_at IS NOT NULL OR t.replaced_by IS NOT NULL AS spent,
                   t.expires_at <= $2 OR NOT u.is_active AS expired
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

            (id, userId, familyId, spent, expired) = (reader.Column<Guid>("id"), reader.Column<Guid>("user_id"), reader.Column<Guid>("family_id"),
                reader.Column<bool>("spent"), reader.Column<bool>("expired"));
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
                INSERT INTO bazaar.refresh_tokens (id, user_id, family_id, token_hash, expires_at) VALUES ($1, $2, $3, $4, $5))
            UPDATE bazaar.refresh_tokens SET revoked_at = now(), replaced_by = $1 WHERE id = $6
            """, connection, transaction))
        {
            rotate.Parameters.AddWithValue(nextId);
            rotate.Parameters.AddWithValue(userId);
            rotate.Parameters.AddWithValue(familyId);
            rotate.Parameters.AddWithValue(TokenService.HashRefreshToken(next));
            rotate.Parameters.AddWithValue(clock.GetUtcNow() + lifetime);
            rotate.Parameters.AddWithValue(id);
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

    private static async Task RevokeFamilyAsync(NpgsqlConnection connection, NpgsqlTransaction transaction, Guid familyId, CancellationToken ct)
    {
        await using var command = new NpgsqlCommand(
            "UPDATE bazaar.refresh_tokens SET revoked_at = now() WHERE family_id = $1 AND revoked_at IS NULL", connection, transaction);
        command.Parameters.AddWithValue(familyId);
        await command.ExecuteNonQueryAsync(ct);
    }
}
