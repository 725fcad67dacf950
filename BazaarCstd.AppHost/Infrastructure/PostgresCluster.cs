namespace BazaarCstd.AppHost.Infrastructure;

/// <summary>The application database on the primary, and the same database on a read replica.</summary>
internal sealed record PostgresCluster(
    IResourceBuilder<IResourceWithConnectionString> Database,
    IResourceBuilder<IResourceWithConnectionString> ReadReplica);
