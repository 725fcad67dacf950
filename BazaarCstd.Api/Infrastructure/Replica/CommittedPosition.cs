using NpgsqlTypes;

namespace BazaarCstd.Api.Infrastructure.Replica;

/// <summary>
/// The primary's WAL position read right after this request's commit, in the commit's own round
/// trip (<see cref="WriteSession"/> and <see cref="WriteCommand"/> append <c>SELECT pg_current_wal_lsn()</c>
/// behind their <c>COMMIT</c>). A request feature; <see cref="ReplicaReadsMiddleware"/> sends it as the
/// <c>X-Consistency-Token</c>, or asks the primary when the write committed without it.
/// </summary>
public sealed record CommittedPosition(NpgsqlLogSequenceNumber Lsn)
{
    public const string Sql = "SELECT pg_current_wal_lsn()";

    /// <summary>The position from a reader on <see cref="Sql"/>'s result, or null when it has no row.</summary>
    public static async Task<CommittedPosition?> ReadAsync(Npgsql.NpgsqlDataReader reader) =>
        await reader.ReadAsync(CancellationToken.None) && reader.GetValue(0) is NpgsqlLogSequenceNumber lsn ? new CommittedPosition(lsn) : null;
}
