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
    private const string Column = "committed_position";

    public const string Sql = $"SELECT pg_current_wal_lsn() AS {Column}";

    /// <summary>The position when the reader is on <see cref="Sql"/>'s result (known by its column's name), otherwise null.</summary>
    public static async Task<CommittedPosition?> ReadAsync(Npgsql.NpgsqlDataReader reader) =>
        reader.FieldCount == 1 && reader.GetName(0) == Column && await reader.ReadAsync(CancellationToken.None)
            ? new CommittedPosition(reader.Column<NpgsqlLogSequenceNumber>(Column))
            : null;
}
