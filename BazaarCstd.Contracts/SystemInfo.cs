namespace BazaarCstd.Contracts;

/// <summary>What <c>GET /api/system/info</c> returns: the build and the state of the database pair.</summary>
public sealed record SystemInfo(
    string Service,
    string Version,
    string Environment,
    DateTimeOffset ServerTime,
    DatabaseInfo Primary,
    ReplicaInfo Replica,
    ReadsInfo Reads);

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

/// <summary>
/// Where this API replica sends reads: <see cref="ReplicaServing"/> is true while reads go to the
/// replica (reachable, not lagging more than 5 s, no failure in the last seconds), with the reason
/// when not; <see cref="LastServedBy"/> (<c>replica</c> or <c>primary</c>) and the counts say where
/// reads actually went since this API replica started.
/// </summary>
public sealed record ReadsInfo(
    bool ReplicaServing,
    string? Reason,
    string LastServedBy,
    long ReplicaReads,
    long PrimaryReads);
