namespace BazaarCstd.AppHost.Infrastructure;

/// <summary>
/// A server started from a local executable that other resources reach through its <c>tcp</c>
/// endpoint. The connection string is built from the proxied host and port, so
/// <c>WithReference</c> hands services exactly what the container integrations would.
/// </summary>
internal sealed class LocalServerResource(string name, string command, string workingDirectory, Func<EndpointReference, ReferenceExpression> connectionString)
    : ExecutableResource(name, command, workingDirectory), IResourceWithConnectionString
{
    public const string EndpointName = "tcp";

    public EndpointReference Endpoint => new(this, EndpointName);

    public ReferenceExpression ConnectionStringExpression => connectionString(Endpoint);
}

/// <summary>A database on a local PostgreSQL server: the server's connection string plus <c>Database=</c>.</summary>
internal sealed class LocalDatabaseResource(string name, string databaseName, LocalServerResource parent)
    : Resource(name), IResourceWithParent<LocalServerResource>, IResourceWithConnectionString
{
    public LocalServerResource Parent { get; } = parent;

    public string DatabaseName { get; } = databaseName;

    public ReferenceExpression ConnectionStringExpression =>
        ReferenceExpression.Create($"{Parent};Database={DatabaseName}");
}
