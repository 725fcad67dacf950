namespace BazaarCstd.AppHost.Infrastructure;

/// <summary>
/// The application database: <see cref="Database"/> as its owner (migrations only),
/// <see cref="AppDatabase"/> as the application role on the primary, and <see cref="ReadReplica"/>
/// as the application role on a read replica.
/// </summary>
internal sealed record PostgresCluster(
    IResourceBuilder<IResourceWithConnectionString> Database,
    IResourceBuilder<IResourceWithConnectionString> AppDatabase,
    IResourceBuilder<IResourceWithConnectionString> ReadReplica);
