using BazaarCstd.Contracts;
using BazaarCstd.IntegrationTests.Infrastructure;

namespace BazaarCstd.Chaos;

/// <summary>
/// A part of the app the run kills: its Aspire resource and, in the process tree Aspire reports for
/// one of its instances, the process that <c>kill -9</c> hits. Never the PostgreSQL primary: the
/// ledger's durability on a primary crash is PostgreSQL's, and the invariants are about what the
/// app does around it.
/// </summary>
public sealed record ChaosComponent(string Name, string Resource, Func<List<LocalProcess>, string, LocalProcess?> Victim)
{
    /// <summary>
    /// An API replica: the deepest process naming the project (DCP starts the built executable;
    /// where it falls back to <c>dotnet run</c>, the service is its child, and killing only
    /// <c>dotnet run</c> would leave the service up).
    /// </summary>
    public static readonly ChaosComponent ApiReplica = new("API replica", ResourceNames.Api, (tree, _) => Deepest(tree, "BazaarCstd.Api"));

    /// <summary>A Worker replica (the relay's lock holder or not: the run does not care which).</summary>
    public static readonly ChaosComponent WorkerReplica = new("Worker replica", ResourceNames.Worker, (tree, _) => Deepest(tree, "BazaarCstd.Worker"));

    /// <summary>RabbitMQ's Erlang VM, this app's (its command line names the app's data root).</summary>
    public static readonly ChaosComponent RabbitMq = new("RabbitMQ", ResourceNames.Messaging,
        (tree, dataRoot) => tree.LastOrDefault(p => p.Name == "beam.smp" && p.CommandLine.Contains(dataRoot, StringComparison.Ordinal)));

    public static readonly ChaosComponent Redis = new("Redis", ResourceNames.Cache, (tree, _) => tree.FirstOrDefault(p => p.Name == "redis-server"));

    /// <summary>The replica's postmaster (its script execs it); its backends end when they see it gone.</summary>
    public static readonly ChaosComponent PostgresReplica = new("PostgreSQL replica", ResourceNames.PostgresReplica, (tree, _) => tree.FirstOrDefault(p => p.Name == "postgres"));

    public static IReadOnlyList<ChaosComponent> All { get; } = [ApiReplica, WorkerReplica, RabbitMq, Redis, PostgresReplica];

    private static LocalProcess? Deepest(List<LocalProcess> tree, string project) =>
        tree.LastOrDefault(p => p.CommandLine.Contains(project, StringComparison.Ordinal));
}
