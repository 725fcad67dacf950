using BazaarCstd.Contracts;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace BazaarCstd.AppHost.Infrastructure;

internal static class PostgresBuilderExtensions
{
    private const string PostgresBin = "/usr/lib/postgresql/15/bin";

    /// <summary>
    /// PostgreSQL primary with the application database, and a streaming replica of it.
    /// Local mode: PostgreSQL 15 from the Debian package, the replica made by <c>pg_basebackup</c>
    /// and kept in hot standby. Container mode: <c>AddPostgres</c>; there the read-only connection
    /// string points at the primary until a managed replica is configured.
    /// The database is reachable as its owner (<paramref name="databaseName"/>: migrations only) and
    /// as the application role <see cref="DatabaseRoles.Application"/> (<paramref name="appDatabaseName"/>
    /// and <paramref name="replicaDatabaseName"/>: the services), whose password is the
    /// <c>app-db-password</c> parameter; the MigrationService sets it on the role.
    /// The superuser's password (the data root's <c>postgres-password</c> secret) reaches the scripts
    /// in their environment, never in their arguments: the replica's script hands it to
    /// <c>pg_basebackup</c> and the WAL receiver through a 0600 <c>.pgpass</c> file, so no process
    /// shows it to <c>ps</c> (see <c>scripts/postgres-common.sh</c>).
    /// </summary>
    public static PostgresCluster AddBazaarPostgres(
        this IDistributedApplicationBuilder builder, string serverName, string databaseName, string appDatabaseName,
        string replicaName, string replicaDatabaseName)
    {
        var appPassword = builder.AddParameterWithLocalDefault(
            "app-db-password", () => LocalDataRoot.Secret(builder, "app-db-password"), secret: true);
        var appLogin = new DatabaseLogin(DatabaseRoles.Application, appPassword.Resource);

        if (builder.UsesContainers())
        {
            var server = builder.AddPostgres(serverName);
            var containerDatabase = server.AddDatabase(databaseName);
            var endpoint = server.Resource.PrimaryEndpoint;
            var appConnectionString = ReferenceExpression.Create(
                $"Host={endpoint.Property(EndpointProperty.Host)};Port={endpoint.Property(EndpointProperty.Port)};Username={appLogin.User};Password={appLogin.Password};Database={databaseName}");
            var containerAppDatabase = builder.AddConnectionString(appDatabaseName, appConnectionString);
            var readOnly = builder.AddConnectionString(replicaDatabaseName, appConnectionString);
            return new PostgresCluster(containerDatabase, containerAppDatabase, readOnly);
        }

        var dataRoot = LocalDataRoot.Get(builder);
        var password = LocalDataRoot.Secret(builder, "postgres-password");
        var scripts = Path.Combine(AppContext.BaseDirectory, "Infrastructure", "scripts");

        ReferenceExpression ServerConnectionString(EndpointReference endpoint) => ReferenceExpression.Create(
            $"Host={endpoint.Property(EndpointProperty.Host)};Port={endpoint.Property(EndpointProperty.Port)};Username=postgres;Password={password}");

        var primary = builder.AddResource(new LocalServerResource(serverName, "bash", dataRoot, ServerConnectionString))
            .WithDirectPort()
            .WithIconName("DatabaseMultiple");
        primary.WithArgs(context =>
            {
                context.Args.Add(Path.Combine(scripts, "postgres-primary.sh"));
                context.Args.Add(Path.Combine(dataRoot, serverName));
                context.Args.Add(primary.Resource.Endpoint.Property(EndpointProperty.TargetPort));
                context.Args.Add(databaseName);
            })
            .WithEnvironment("BAZAAR_PG_BIN", PostgresBin)
            .WithEnvironment("BAZAAR_PG_PASSWORD", password);

        var database = builder.AddLocalDatabase(databaseName, databaseName, primary.Resource);
        builder.AddPostgresHealthCheck(database, expectReplica: false);

        // No health check of its own: the role exists once the migrations ran, and every user of this
        // connection string waits for them.
        var appDatabase = builder.AddLocalDatabase(appDatabaseName, databaseName, primary.Resource, appLogin);

        var replica = builder.AddResource(new LocalServerResource(replicaName, "bash", dataRoot, ServerConnectionString))
            .WithDirectPort()
            .WithIconName("DatabaseArrowRight")
            .WaitFor(database);
        replica.WithArgs(context =>
            {
                context.Args.Add(Path.Combine(scripts, "postgres-replica.sh"));
                context.Args.Add(Path.Combine(dataRoot, replicaName));
                context.Args.Add(replica.Resource.Endpoint.Property(EndpointProperty.TargetPort));
                context.Args.Add(primary.Resource.Endpoint.Property(EndpointProperty.Port));
            })
            .WithEnvironment("BAZAAR_PG_BIN", PostgresBin)
            .WithEnvironment("BAZAAR_PG_PASSWORD", password);

        var replicaDatabase = builder.AddLocalDatabase(replicaDatabaseName, databaseName, replica.Resource, appLogin);
        builder.AddPostgresHealthCheck(replicaDatabase, expectReplica: true);

        return new PostgresCluster(database, appDatabase, replicaDatabase);
    }

    /// <summary>
    /// A database on a local server. Aspire passes a parent's state on to its children only for
    /// containers, so the database follows its executable server here: running once the server is
    /// ready, exited when it stops. Its own health check then decides when it is usable.
    /// </summary>
    private static IResourceBuilder<LocalDatabaseResource> AddLocalDatabase(
        this IDistributedApplicationBuilder builder, string name, string databaseName, LocalServerResource server, DatabaseLogin? login = null)
    {
        var database = builder.AddResource(new LocalDatabaseResource(name, databaseName, server, login))
            .WithInitialState(new CustomResourceSnapshot
            {
                ResourceType = "PostgresDatabase",
                State = KnownResourceStates.NotStarted,
                Properties = [],
            });

        builder.Eventing.Subscribe<ResourceReadyEvent>(server, (e, _) =>
            e.Services.GetRequiredService<ResourceNotificationService>().PublishUpdateAsync(database.Resource, s => s with
            {
                State = KnownResourceStates.Running,
                StartTimeStamp = DateTime.UtcNow,
            }));
        builder.Eventing.Subscribe<ResourceStoppedEvent>(server, (e, _) =>
            e.Services.GetRequiredService<ResourceNotificationService>().PublishUpdateAsync(database.Resource, s => s with
            {
                State = KnownResourceStates.Exited,
                StopTimeStamp = DateTime.UtcNow,
            }));

        return database;
    }

    /// <summary>
    /// A health check that speaks the protocol (an open port says nothing about a server still
    /// recovering or replaying). For the replica it also insists on <c>pg_is_in_recovery()</c>.
    /// It logs in as the superuser: the application role does not exist before the first migration.
    /// </summary>
    private static void AddPostgresHealthCheck(
        this IDistributedApplicationBuilder builder, IResourceBuilder<LocalDatabaseResource> database, bool expectReplica)
    {
        string? connectionString = null;
        builder.Eventing.Subscribe<ConnectionStringAvailableEvent>(database.Resource, async (_, ct) =>
            connectionString = await database.Resource.SuperuserConnectionStringExpression.GetValueAsync(ct).ConfigureAwait(false));

        var key = $"{database.Resource.Name}_check";
        builder.Services.AddHealthChecks().Add(new HealthCheckRegistration(
            key,
            _ => new PostgresRoleHealthCheck(() => connectionString, expectReplica),
            failureStatus: HealthStatus.Unhealthy,
            tags: null));
        database.WithHealthCheck(key);
    }
}
