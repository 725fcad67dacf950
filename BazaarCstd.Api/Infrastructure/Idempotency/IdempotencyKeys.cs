using Npgsql;

namespace BazaarCstd.Api.Infrastructure.Idempotency;

/// <summary>
/// The <c>bazaar.idempotency_keys</c> table. A key is claimed (committed at once, so a concurrent
/// duplicate sees it), then completed with the response in the same transaction as the write, or
/// released when the request did not get as far as changing anything. The claim's
/// <c>created_at</c> is its token: only the claimant can complete or release it.
/// </summary>
public sealed class IdempotencyKeys
{
    /// <summary>How long keys are kept; after that the key may be used again.</summary>
    public static readonly TimeSpan Retention = TimeSpan.FromHours(24);

    /// <summary>A claim this old with no response belongs to a request that died; a retry may take it over.</summary>
    public static readonly TimeSpan AbandonedAfter = TimeSpan.FromMinutes(1);

    private const string ClaimSql = """
        WITH claimed AS (
            INSERT INTO bazaar.idempotency_keys AS k (scope, key, request_hash)
            VALUES ($1, $2, $3)
            ON CONFLICT (scope, key) DO UPDATE
                SET request_hash = excluded.request_hash, created_at = now(),
                    status_code = NULL, response_body = NULL, location = NULL, completed_at = NULL
                WHERE k.created_at < now() - $4::interval
                   OR (k.completed_at IS NULL AND k.created_at < now() - $5::interval AND k.request_hash = excluded.request_hash)
            RETURNING k.created_at)
        SELECT true, created_at, NULL::text, NULL::int, NULL::text, NULL::text, NULL::timestamptz FROM claimed
        UNION ALL
        SELECT false, k.created_at, k.request_hash, k.status_code, k.response_body, k.location, k.completed_at
        FROM bazaar.idempotency_keys k
        WHERE k.scope = $1 AND k.key = $2 AND NOT EXISTS (SELECT 1 FROM claimed)
        """;

    public enum Outcome
    {
        Claimed,
        Replay,
        InProgress,
        Mismatch,
    }

    public sealed record Claim(Outcome Outcome, DateTime Token, StoredResponse? Response = null);

    public async Task<Claim> ClaimAsync(NpgsqlConnection connection, string scope, string key, string requestHash, CancellationToken ct)
    {
        // Zero rows means the row we conflicted with was committed after this statement's snapshot
        // was taken; the next attempt sees it.
        for (var attempt = 0; ; attempt++)
        {
            await using var command = new NpgsqlCommand(ClaimSql, connection);
            command.Parameters.AddWithValue(scope);
            command.Parameters.AddWithValue(key);
            command.Parameters.AddWithValue(requestHash);
            command.Parameters.AddWithValue(Retention);
            command.Parameters.AddWithValue(AbandonedAfter);
            await using var reader = await command.ExecuteReaderAsync(ct);
            if (!await reader.ReadAsync(ct))
            {
                if (attempt < 5)
                {
                    continue;
                }

                return new Claim(Outcome.InProgress, default);
            }

            var token = reader.GetDateTime(1);
            if (reader.GetBoolean(0))
            {
                return new Claim(Outcome.Claimed, token);
            }

            if (reader.GetString(2) != requestHash)
            {
                return new Claim(Outcome.Mismatch, token);
            }

            if (reader.IsDBNull(6))
            {
                return new Claim(Outcome.InProgress, token);
            }

            return new Claim(Outcome.Replay, token, new StoredResponse(
                reader.GetInt32(3), reader.IsDBNull(4) ? null : reader.GetString(4), reader.IsDBNull(5) ? null : reader.GetString(5)));
        }
    }

    /// <summary>Stores the response; false when the claim is no longer ours (it was taken over).</summary>
    public async Task<bool> CompleteAsync(
        NpgsqlConnection connection, NpgsqlTransaction? transaction, string scope, string key, DateTime token, StoredResponse response)
    {
        await using var command = new NpgsqlCommand("""
            UPDATE bazaar.idempotency_keys
            SET status_code = $4, response_body = $5, location = $6, completed_at = now()
            WHERE scope = $1 AND key = $2 AND created_at = $3 AND completed_at IS NULL
            """, connection, transaction);
        command.Parameters.AddWithValue(scope);
        command.Parameters.AddWithValue(key);
        command.Parameters.AddWithValue(token);
        command.Parameters.AddWithValue(response.Status);
        command.Parameters.Add(NullableParameter.Text(response.Body));
        command.Parameters.Add(NullableParameter.Text(response.Location));
        return await command.ExecuteNonQueryAsync(CancellationToken.None) == 1;
    }

    /// <summary>Frees the key for a retry: the request changed nothing.</summary>
    public async Task ReleaseAsync(NpgsqlConnection connection, string scope, string key, DateTime token)
    {
        await using var command = new NpgsqlCommand(
            "DELETE FROM bazaar.idempotency_keys WHERE scope = $1 AND key = $2 AND created_at = $3 AND completed_at IS NULL", connection);
        command.Parameters.AddWithValue(scope);
        command.Parameters.AddWithValue(key);
        command.Parameters.AddWithValue(token);
        await command.ExecuteNonQueryAsync(CancellationToken.None);
    }
}
