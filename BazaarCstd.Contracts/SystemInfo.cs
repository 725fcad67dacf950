namespace BazaarCstd.Contracts;

/// <summary>What <c>GET /api/system/info</c> returns: the build and the state of the database pair.</summary>
public sealed record SystemInfo(
    string Service,
    string Version,
    string Environment,
    DateTimeOffset ServerTime,
    DatabaseInfo Primary,
    ReplicaInfo Replica);

public sealed record DatabaseInfo(bool Reachable, string? ServerVersion, string? Error);

/// <summary>
/// The read replica as seen from both sides: <see cref="InRecovery"/> from the replica itself,
/// lag from the primary's <c>pg_stat_replication</c> (bytes not yet replayed) and from the replica's
/// last replayed transaction (seconds).
/// </summary>
public sealed record ReplicaInfo(
    bool Reachable,
    bool InRecovery,
    long? LagBytes,
    double? LagSeconds,
    string? Error);
