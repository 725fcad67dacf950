using Microsoft.Extensions.DependencyInjection;

namespace BazaarCstd.AppHost.Infrastructure;

internal static class RedisBuilderExtensions
{
    /// <summary>
    /// Redis. Local mode: <c>redis-server</c> from the Debian package on loopback, append-only file
    /// under the data root. Container mode: <c>AddRedis</c>.
    /// </summary>
    public static IResourceBuilder<IResourceWithConnectionString> AddBazaarRedis(this IDistributedApplicationBuilder builder, string name)
    {
        if (builder.UsesContainers())
        {
            return builder.AddRedis(name);
        }

        var dataDir = Path.Combine(LocalDataRoot.Get(builder), name);
        Directory.CreateDirectory(dataDir);

        var redis = builder.AddResource(new LocalServerResource(name, "/usr/bin/redis-server", dataDir,
                endpoint => ReferenceExpression.Create($"{endpoint.Property(EndpointProperty.Host)}:{endpoint.Property(EndpointProperty.Port)}")))
            .WithEndpoint(name: LocalServerResource.EndpointName, scheme: "tcp", isProxied: true)
            .WithIconName("Memory");
        redis.WithArgs(context =>
        {
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
