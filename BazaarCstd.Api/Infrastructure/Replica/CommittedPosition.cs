using NpgsqlTypes;

namespace BazaarCstd.Api.Infrastructure.Replica;

/// <summary>
/// The primary's WAL position read right after this request's commit, in the commit's own round
/// trip (<see cref="WriteSession"/> appends <c>SELECT pg_current_wal_lsn()</c> behind its
/// <c>COMMIT</c>). A request feature; <see cref="ReplicaReadsMiddleware"/> sends it as the
/// <c>X-Consistency-Token</c>, or asks the primary when the write committed without it.
/// </summary>
public sealed record CommittedPosition(NpgsqlLogSequenceNumber Lsn)
{
    public const string Sql = "SELECT pg_current_wal_lsn()";
}
