using Microsoft.Extensions.DependencyInjection;

namespace BazaarCstd.AppHost.Infrastructure;

internal static class RedisBuilderExtensions
{
    /// <summary>
    /// Redis. Local mode: <c>redis-server</c> from the Debian package on loopback, append-only file
    /// under the data root, and a password (the <c>redis-password</c> secret of the data root): any
    /// local user can reach a loopback port, and the revocation entries and rate-limit counters must
    /// be ours alone. The password is in the config file it reads (<c>requirepass</c>, 0600), never on
    /// its command line, and reaches the services in the connection string (<c>host:port,password=…</c>),
    /// which the Aspire Redis client and StackExchange.Redis read as it is. Container mode: <c>AddRedis</c>
    /// (which sets its own password the same way).
    /// </summary>
    public static IResourceBuilder<IResourceWithConnectionString> AddBazaarRedis(this IDistributedApplicationBuilder builder, string name)
    {
        if (builder.UsesContainers())
        {
            return builder.AddRedis(name);
        }

        var dataDir = Path.Combine(LocalDataRoot.Get(builder), name);
        Directory.CreateDirectory(dataDir);
        var password = LocalDataRoot.Secret(builder, "redis-password");
        var config = Path.Combine(dataDir, "redis.conf");
        LocalDataRoot.WriteSecretFile(config, $"requirepass {password}\n");

        var redis = builder.AddResource(new LocalServerResource(name, "/usr/bin/redis-server", dataDir,
                endpoint => ReferenceExpression.Create($"{endpoint.Property(EndpointProperty.Host)}:{endpoint.Property(EndpointProperty.Port)},password={password}")))
            .WithDirectPort()
            .WithIconName("Memory");
        redis.WithArgs(context =>
        {
            context.Args.Add(config); // first: the file; the options after it are added to it
            context.Args.Add("--port");
            context.Args.Add(redis.Resource.Endpoint.Property(EndpointProperty.TargetPort));
            context.Args.Add("--bind");
            context.Args.Add("127.0.0.1 ::1");
            context.Args.Add("--dir");
            context.Args.Add(dataDir);
            context.Args.Add("--save");
            context.Args.Add("");
            context.Args.Add("--appendonly");
            context.Args.Add("yes");
            context.Args.Add("--daemonize");
            context.Args.Add("no");
        });

        string? connectionString = null;
        builder.Eventing.Subscribe<ConnectionStringAvailableEvent>(redis.Resource, async (_, ct) =>
            connectionString = await redis.Resource.ConnectionStringExpression.GetValueAsync(ct).ConfigureAwait(false));
        var key = $"{name}_check";
        builder.Services.AddHealthChecks().AddRedis(
            _ => connectionString ?? throw new InvalidOperationException("The Redis connection string is not available yet."), name: key);

        return redis.WithHealthCheck(key);
    }
}
