using System.Security.Cryptography;
using System.Text;
using Microsoft.Extensions.DependencyInjection;
using RabbitMQ.Client;

namespace BazaarCstd.AppHost.Infrastructure;

internal static class RabbitMQBuilderExtensions
{
    private const string RabbitMQServer = "/usr/lib/rabbitmq/bin/rabbitmq-server";

    /// <summary>
    /// RabbitMQ. Local mode: its own <c>epmd</c> on a free port, then <c>rabbitmq-server</c> from the
    /// Debian package as a uniquely named node whose state lives under the data root (no plugins).
    /// Container mode: <c>AddRabbitMQ</c>.
    /// </summary>
    public static IResourceBuilder<IResourceWithConnectionString> AddBazaarRabbitMQ(this IDistributedApplicationBuilder builder, string name)
    {
        if (builder.UsesContainers())
        {
            return builder.AddRabbitMQ(name);
        }

        var dataDir = Path.Combine(LocalDataRoot.Get(builder), name);
        var home = Path.Combine(dataDir, "home");
        Directory.CreateDirectory(home);
        var pluginsFile = Path.Combine(dataDir, "enabled_plugins");
        File.WriteAllText(pluginsFile, "[].");
        var emptyEnvFile = Path.Combine(dataDir, "rabbitmq-env.conf");
        File.WriteAllText(emptyEnvFile, "");

        // The node name names its Mnesia folder, so it is stable for a data root: a restart finds
        // its durable queues again, and two data roots never collide.
        var hash = Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(dataDir)))[..10];
        var nodeName = $"bazaar-{hash}@localhost";
        var epmdPort = LocalDataRoot.FreePort();
        var distPort = LocalDataRoot.FreePort();

        var epmd = builder.AddExecutable($"{name}-epmd", "epmd", dataDir, "-port", epmdPort.ToString(System.Globalization.CultureInfo.InvariantCulture))
            .WithIconName("PlugConnected");

        var rabbit = builder.AddResource(new LocalServerResource(name, RabbitMQServer, dataDir,
                endpoint => ReferenceExpression.Create($"amqp://guest:guest@{endpoint.Property(EndpointProperty.Host)}:{endpoint.Property(EndpointProperty.Port)}")))
            .WithDirectPort()
            .WithIconName("Mail")
            .WaitFor(epmd);
        rabbit
            .WithEnvironment("HOME", home)
            .WithEnvironment("ERL_EPMD_PORT", epmdPort.ToString(System.Globalization.CultureInfo.InvariantCulture))
            .WithEnvironment("RABBITMQ_NODE_PORT", rabbit.Resource.Endpoint.Property(EndpointProperty.TargetPort))
            .WithEnvironment("RABBITMQ_DIST_PORT", distPort.ToString(System.Globalization.CultureInfo.InvariantCulture))
            .WithEnvironment("RABBITMQ_NODENAME", nodeName)
            .WithEnvironment("RABBITMQ_MNESIA_BASE", Path.Combine(dataDir, "mnesia"))
            .WithEnvironment("RABBITMQ_LOG_BASE", Path.Combine(dataDir, "log"))
            .WithEnvironment("RABBITMQ_LOGS", "-")
            .WithEnvironment("RABBITMQ_ENABLED_PLUGINS_FILE", pluginsFile)
            .WithEnvironment("RABBITMQ_CONF_ENV_FILE", emptyEnvFile)
            .WithEnvironment("RABBITMQ_CONFIG_FILE", Path.Combine(dataDir, "rabbitmq"))
            // Erlang's schedulers spin for a while before they sleep (busy waiting): on a shared
            // two-core machine that is CPU taken from PostgreSQL and the services. They sleep at once.
            .WithEnvironment("RABBITMQ_SERVER_ADDITIONAL_ERL_ARGS", "+sbwt none +sbwtdcpu none +sbwtdio none");

        string? connectionString = null;
        builder.Eventing.Subscribe<ConnectionStringAvailableEvent>(rabbit.Resource, async (_, ct) =>
            connectionString = await rabbit.Resource.ConnectionStringExpression.GetValueAsync(ct).ConfigureAwait(false));

        // One cached connection for the probe; a new one per probe would churn AMQP handshakes.
        IConnection? connection = null;
        var key = $"{name}_check";
        builder.Services.AddHealthChecks().AddRabbitMQ(async _ =>
            connection ??= await new ConnectionFactory { Uri = new Uri(connectionString ?? throw new InvalidOperationException("The RabbitMQ connection string is not available yet.")) }
                .CreateConnectionAsync().ConfigureAwait(false),
            name: key);

        return rabbit.WithHealthCheck(key);
    }
}
