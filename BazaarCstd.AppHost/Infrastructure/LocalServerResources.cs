namespace BazaarCstd.AppHost.Infrastructure;

/// <summary>
/// A server started from a local executable that other resources reach through its <c>tcp</c>
/// endpoint (<see cref="LocalServerEndpoints.WithDirectPort"/>). The connection string is built from
/// the endpoint's host and port, so <c>WithReference</c> hands services exactly what the container
/// integrations would.
/// </summary>
internal sealed class LocalServerResource(string name, string command, string workingDirectory, Func<EndpointReference, ReferenceExpression> connectionString)
    : ExecutableResource(name, command, workingDirectory), IResourceWithConnectionString
{
    public const string EndpointName = "tcp";

    public EndpointReference Endpoint => new(this, EndpointName);

    public ReferenceExpression ConnectionStringExpression => connectionString(Endpoint);
}

internal static class LocalServerEndpoints
{
    /// <summary>
    /// The server's <c>tcp</c> endpoint on a port the AppHost finds free, reached directly rather than
    /// through a DCP proxy: every database query, Redis call and AMQP frame used to cross DCP's proxy
    /// process as well (docs/decisions.md, "Local infrastructure"). The port stays the same when the
    /// server is restarted.
    /// </summary>
    public static IResourceBuilder<LocalServerResource> WithDirectPort(this IResourceBuilder<LocalServerResource> server)
    {
        var port = LocalDataRoot.FreePort();
        return server.WithEndpoint(name: LocalServerResource.EndpointName, scheme: "tcp", port: port, targetPort: port, isProxied: false);
    }
}

/// <summary>
/// A database on a local PostgreSQL server: the server's connection string plus <c>Database=</c>, or,
/// with a <see cref="DatabaseLogin"/>, the same server and database as that login.
/// </summary>
internal sealed class LocalDatabaseResource(string name, string databaseName, LocalServerResource parent, DatabaseLogin? login = null)
    : Resource(name), IResourceWithParent<LocalServerResource>, IResourceWithConnectionString
{
    public LocalServerResource Parent { get; } = parent;

    public string DatabaseName { get; } = databaseName;

    /// <summary>As the server's superuser, whatever the login: health checks use it before any other role exists.</summary>
    public ReferenceExpression SuperuserConnectionStringExpression =>
        ReferenceExpression.Create($"{Parent};Database={DatabaseName}");

    public ReferenceExpression ConnectionStringExpression => login is null
        ? SuperuserConnectionStringExpression
        : ReferenceExpression.Create(
            $"Host={Parent.Endpoint.Property(EndpointProperty.Host)};Port={Parent.Endpoint.Property(EndpointProperty.Port)};Username={login.User};Password={login.Password};Database={DatabaseName}");
}
