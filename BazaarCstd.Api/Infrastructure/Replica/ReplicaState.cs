using NpgsqlTypes;

namespace BazaarCstd.Api.Infrastructure.Replica;

/// <summary>
/// What <see cref="ReplicaMonitor"/> last found: whether the replica answered as a replica, how far
/// it had replayed, its lag, why it does not serve reads (null when it does), and until when the
/// breaker keeps reads away after a failure.
/// </summary>
public sealed record ReplicaState(
    bool Reachable,
    NpgsqlLogSequenceNumber Replayed,
    double? LagSeconds,
    string? Problem,
    DateTimeOffset BrokenUntil)
{
    public bool Serves(DateTimeOffset now) => Reachable && Problem is null && now >= BrokenUntil;
}
