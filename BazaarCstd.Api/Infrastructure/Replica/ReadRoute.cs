namespace BazaarCstd.Api.Infrastructure.Replica;

/// <summary>
/// The database this read request uses, chosen by <see cref="ReplicaReadsMiddleware"/> before the
/// handler runs (a request feature). A request without one (a write, work outside a request) reads
/// from the primary.
/// </summary>
public sealed class ReadRoute(bool replica)
{
    public bool Replica { get; private set; } = replica;

    /// <summary>True once a handler was given the replica: only then can a failure be the replica's.</summary>
    public bool ReplicaUsed { get; set; }

    /// <summary>The replica failed this request: the rest of it, and its second run, read from the primary.</summary>
    public void FallBack() => Replica = false;
}
