using BazaarCstd.AppHost.Infrastructure;
using BazaarCstd.Contracts;
using Microsoft.Extensions.Configuration;

var builder = DistributedApplication.CreateBuilder(args);

// Backing services: local executables in run mode, containers when publishing (see Infrastructure/).
// The database as its owner (migrations only) and as the application role (the services).
var postgres = builder.AddBazaarPostgres(
    ResourceNames.Postgres, ResourceNames.BazaarDb, ResourceNames.BazaarDbApp, ResourceNames.PostgresReplica, ResourceNames.BazaarDbReadOnly);
var cache = builder.AddBazaarRedis(ResourceNames.Cache);
var messaging = builder.AddBazaarRabbitMQ(ResourceNames.Messaging);

// Sign-in: the first admin, and the key access tokens are signed with (README: "Accounts").
var adminEmail = builder.AddParameterWithLocalDefault("admin-email", () => "admin@bazaar.local");
var adminPassword = builder.AddParameterWithLocalDefault("admin-password", () => "Bazaar!Admin-2026", secret: true);
var jwtKey = builder.AddParameterWithLocalDefault("jwt-signing-key", () => LocalDataRoot.Secret(builder, "jwt-signing-key", 64), secret: true);

var migrations = builder.AddProject<Projects.BazaarCstd_MigrationService>(ResourceNames.Migrations)
    .WithReference(postgres.Database).WaitFor(postgres.Database)
    .WithReference(postgres.AppDatabase).WaitFor(postgres.AppDatabase) // to give the application role its password
    .WithEnvironment("Bazaar__SeedDemoData", builder.Configuration["Bazaar:SeedDemoData"] ?? "false")
    .WithEnvironment("Bazaar__AdminEmail", adminEmail).WithEnvironment("Bazaar__AdminPassword", adminPassword);

// The API is stateless: replicas behind the AppHost's proxy share Redis for rate limits and revocation.
var api = builder.AddProject<Projects.BazaarCstd_Api>(ResourceNames.Api)
    .WithReplicas(builder.Configuration.GetValue("Bazaar:ApiReplicas", 2))
    .WithReference(postgres.AppDatabase).WaitFor(postgres.AppDatabase)
    .WithReference(postgres.ReadReplica).WaitFor(postgres.ReadReplica)
    .WithReference(cache).WaitFor(cache)
    .WithReference(messaging).WaitFor(messaging)
    .WaitForCompletion(migrations)
    .WithEnvironment("Auth__SigningKey", jwtKey)
    .WithSettingsFrom(builder.Configuration, "Bazaar:RateLimits", "RateLimits")
    // Self-registration: on locally (the demo and the tests use it), off when published unless set.
    .WithEnvironment("Bazaar__Auth__AllowRegistration",
        builder.Configuration["Bazaar:Auth:AllowRegistration"] ?? (builder.ExecutionContext.IsPublishMode ? "false" : "true"))
    .WithClientAddressFromIngress()
    .WithHttpHealthCheck("/health");

// The Worker relays the outbox to RabbitMQ (one active relay among its replicas), keeps alerts and
// dead letters, and maintains partitions. Healthy = no event older than 30 s left unpublished.
builder.AddProject<Projects.BazaarCstd_Worker>(ResourceNames.Worker)
    .WithReplicas(builder.Configuration.GetValue("Bazaar:WorkerReplicas", 1))
    .WithReference(postgres.AppDatabase).WaitFor(postgres.AppDatabase)
    .WithReference(messaging).WaitFor(messaging)
    .WaitForCompletion(migrations)
    .WithSettingsFrom(builder.Configuration, "Bazaar:Maintenance", "Bazaar__Maintenance")
    .WithHttpHealthCheck("/health");

builder.AddProject<Projects.BazaarCstd_Web>(ResourceNames.Web)
    .WithReference(api).WaitFor(api).WithReference(messaging).WaitFor(messaging)
    .WithExternalHttpEndpoints()
    .WithHttpHealthCheck("/health");

builder.ServeProjectsOverPlainHttpLocally(); // no certificate needed: no false dashboard banner
builder.LaunchBuiltProjectsDirectly(); // the built executables, without a `dotnet run` beside each
builder.Build().Run();
