using BazaarCstd.Contracts;
using Npgsql;

namespace BazaarCstd.IntegrationTests.Infrastructure;

/// <summary>
/// The private app of <c>Events.EventChaosTests</c>. It cannot be the shared app: those tests
/// <c>kill -9</c> its RabbitMQ broker and one of its Worker replicas, which would fail the other
/// tests' event flow, health and start logs. Two Worker replicas (like the shared app), one API
/// replica (the tests are about the Worker and the broker; fewer processes on two cores). The same
/// class then runs the two other checks that need an app of their own, the last-admin race and the
/// shutdown check (<c>Foundation/LastAdminAndShutdownTests.cs</c>), which disposes it.
/// <para>
/// Each Worker replica connects to PostgreSQL with its own application name
/// (<c>PGAPPNAME</c>, which Npgsql reads): every replica connects from loopback, so a backend's
/// client address cannot tell which replica holds the relay's advisory lock; its
/// <c>application_name</c> can.
/// </para>
/// </summary>
public sealed class ChaosAppFixture() : AppFixture(
    new Dictionary<string, string> { ["Bazaar:ApiReplicas"] = "1", ["Bazaar:WorkerReplicas"] = "2" },
    configure: NameWorkerReplicas)
{
    public const string WorkerAppNamePrefix = "bazaar-worker-";

    /// <summary>The database as its owner, to read the outbox, the inbox, the alerts and the locks.</summary>
    public NpgsqlDataSource Database { get; private set; } = null!;

    /// <summary>A Worker replica: its Aspire instance id, its application name, the pid of the Worker process itself.</summary>
    public sealed record WorkerReplica(string ResourceId, string AppName, int Pid);

    public override async Task DisposeAsync()
    {
        if (Database is not null)
        {
            await Database.DisposeAsync();
        }

        await base.DisposeAsync();
    }

    protected override async Task OnStartedAsync()
    {
        Database = NpgsqlDataSource.Create((await App.GetConnectionStringAsync(ResourceNames.BazaarDb))!);
        var workers = await WorkerReplicasAsync();
        Assert.True(workers.Select(w => w.AppName).Distinct().Count() == workers.Length,
            $"each Worker replica should have its own application name: {string.Join(", ", workers.Select(w => w.ToString()))}");
    }

    /// <summary>
    /// Aspire builds one environment for all replicas of a project; DCP then fills in each replica's
    /// own values (its ports, its OpenTelemetry instance id) from templates. The application name
    /// takes the instance id the same way (a counter or a GUID here would be the same for both).
    /// </summary>
    private static void NameWorkerReplicas(IDistributedApplicationTestingBuilder builder) =>
        builder.Resources.OfType<ProjectResource>().Single(p => p.Name == ResourceNames.Worker).Annotations.Add(
            new EnvironmentCallbackAnnotation(context =>
                context.EnvironmentVariables["PGAPPNAME"] = WorkerAppNamePrefix + """{{- index .Annotations "otel-service-instance-id" -}}"""));

    /// <summary>The pid Aspire reports for a resource instance (<see cref="InstanceStates.ProcessId"/>).</summary>
    public int ProcessIdOf(string resourceId)
    {
        Assert.True(App.ResourceNotifications.TryGetCurrentState(resourceId, out var state), $"no resource {resourceId}");
        return InstanceStates.ProcessId(state);
    }

    /// <summary>
    /// The Erlang VM of this app's RabbitMQ: the <c>beam.smp</c> under the process Aspire started for
    /// the messaging resource, running from this app's data root. Never another app's broker.
    /// </summary>
    public LocalProcess Broker()
    {
        var beams = LocalProcess.TreeOf(ProcessIdOf(ResourceNames.Messaging))
            .Where(p => p.Name == "beam.smp" && p.CommandLine.Contains(Runner.DataRoot, StringComparison.Ordinal))
            .ToList();
        return beams.Count == 1 ? beams[0] : throw new InvalidOperationException($"expected one beam.smp of this app, found {beams.Count}.");
    }

    /// <summary>
    /// The running Worker replicas. DCP starts the Worker's built executable (the AppHost's
    /// <c>LaunchBuiltProjectsDirectly</c>); where it falls back to <c>dotnet run</c>, the Worker is
    /// that process's child (both carry the application name), so the replica's process is the
    /// deepest one: killing only <c>dotnet run</c> would leave the Worker, and its lock, alive.
    /// </summary>
    public async Task<WorkerReplica[]> WorkerReplicasAsync()
    {
        var replicas = new List<WorkerReplica>();
        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(10));
        foreach (var id in await Runner.InstancesAsync(ResourceNames.Worker, cancellationToken: cts.Token))
        {
            var tree = LocalProcess.TreeOf(ProcessIdOf(id));
            var worker = tree.LastOrDefault(p => p.Environment("PGAPPNAME") is not null)
                ?? throw new InvalidOperationException($"{id}: no process with PGAPPNAME in {string.Join("; ", tree)}");
            replicas.Add(new WorkerReplica(id, worker.Environment("PGAPPNAME")!, worker.Pid));
        }

        return [.. replicas];
    }

    /// <summary>
    /// The application name of the session that holds the outbox relay's advisory lock (the key is
    /// <c>OutboxRelay</c>'s), or null while nobody holds it.
    /// </summary>
    public async Task<string?> RelayLockHolderAsync()
    {
        await using var command = Database.CreateCommand("""
            SELECT a.application_name
            FROM pg_locks l JOIN pg_stat_activity a ON a.pid = l.pid
            WHERE l.locktype = 'advisory' AND l.granted AND l.objsubid = 1
              AND ((l.classid::bigint << 32) | l.objid::bigint) = hashtextextended('bazaar.outbox-relay', 0)
            """);
        return (string?)await command.ExecuteScalarAsync();
    }
}
