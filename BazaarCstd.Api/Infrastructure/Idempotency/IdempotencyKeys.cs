using Npgsql;

namespace BazaarCstd.Api.Infrastructure.Idempotency;

/// <summary>
/// The statements on <c>bazaar.idempotency_keys</c>. A key is claimed by a plain <c>INSERT</c> in the
/// write's own transaction, so the claim, the write and the stored response commit together or not
/// at all: there is never a claim without its response. A concurrent request with the same key
/// waits on the uncommitted row and, once it commits, fails the insert (unique violation) and
/// replays the stored response; if the first rolled back, the second goes ahead. Keys are kept at
/// least 24 hours (the Worker's maintenance deletes older ones).
/// </summary>
public static class IdempotencyKeys
{
    /// <summary>Who sent the key (keys are per user), the key, and a hash of the request it was sent with.</summary>
    public sealed record Key(string Scope, string Value, string RequestHash);

    /// <summary>What the first request with the key stored.</summary>
    public sealed record Stored(string RequestHash, StoredResponse Response);

    /// <summary>Named parameters, so the claim can also stand in front of an EF Core command (whose are named too).</summary>
    public static NpgsqlBatchCommand Claim(Key key) => With(
        "INSERT INTO bazaar.idempotency_keys (scope, key, request_hash) VALUES (@bazaar_scope, @bazaar_key, @bazaar_request_hash)",
        key, new NpgsqlParameter("bazaar_request_hash", key.RequestHash));

    /// <summary>The claim failed: a request with the same key committed first.</summary>
    public static bool IsClaimConflict(PostgresException ex) =>
        ex.SqlState == PostgresErrorCodes.UniqueViolation && ex.ConstraintName == "idempotency_keys_pkey";

    public static NpgsqlBatchCommand Complete(Key key, StoredResponse response) => With("""
        UPDATE bazaar.idempotency_keys
        SET status_code = @status, response_body = @body, location = @location, completed_at = now()
        WHERE scope = @bazaar_scope AND key = @bazaar_key
        """, key,
        new NpgsqlParameter("status", response.Status),
        new NpgsqlParameter("body", NpgsqlTypes.NpgsqlDbType.Text) { Value = (object?)response.Body ?? DBNull.Value },
        new NpgsqlParameter("location", NpgsqlTypes.NpgsqlDbType.Text) { Value = (object?)response.Location ?? DBNull.Value });

    public static NpgsqlBatchCommand Find(Key key) => With(
        "SELECT request_hash, status_code, response_body, location FROM bazaar.idempotency_keys WHERE scope = @bazaar_scope AND key = @bazaar_key", key);

    public static async Task<Stored?> ReadStoredAsync(NpgsqlDataReader reader)
    {
        if (!await reader.ReadAsync(CancellationToken.None))
        {
            return null;
        }

        var status = reader.Column<int?>("status_code");
        string? Text(string column) => reader.Column<string?>(column);
        return status is null
            ? null
            : new Stored(Text("request_hash")!, new StoredResponse(status.Value, Text("response_body"), Text("location")));
    }

    private static NpgsqlBatchCommand With(string sql, Key key, params NpgsqlParameter[] more)
    {
        var command = new NpgsqlBatchCommand(sql);
        command.Parameters.Add(new NpgsqlParameter("bazaar_scope", key.Scope));
        command.Parameters.Add(new NpgsqlParameter("bazaar_key", key.Value));
        command.Parameters.AddRange(more);
        return command;
    }
}
