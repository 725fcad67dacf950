using BazaarCstd.AppHost.Infrastructure;
using BazaarCstd.Contracts;

var builder = DistributedApplication.CreateBuilder(args);

// Backing services: local executables in run mode, containers when publishing (see Infrastructure/).
var postgres = builder.AddBazaarPostgres(
    ResourceNames.Postgres, ResourceNames.BazaarDb, ResourceNames.PostgresReplica, ResourceNames.BazaarDbReadOnly);
var cache = builder.AddBazaarRedis(ResourceNames.Cache);
var messaging = builder.AddBazaarRabbitMQ(ResourceNames.Messaging);

var migrations = builder.AddProject<Projects.BazaarCstd_MigrationService>(ResourceNames.Migrations)
    .WithReference(postgres.Database).WaitFor(postgres.Database)
    .WithEnvironment("Bazaar__SeedDemoData", builder.Configuration["Bazaar:SeedDemoData"] ?? "false");

var api = builder.AddProject<Projects.BazaarCstd_Api>(ResourceNames.Api)
    .WithReference(postgres.Database).WaitFor(postgres.Database)
    .WithReference(postgres.ReadReplica).WaitFor(postgres.ReadReplica)
    .WithReference(cache).WaitFor(cache)
    .WithReference(messaging).WaitFor(messaging)
    .WaitForCompletion(migrations)
    .WithHttpHealthCheck("/health");

builder.AddProject<Projects.BazaarCstd_Worker>(ResourceNames.Worker)
    .WithReference(postgres.Database).WaitFor(postgres.Database)
    .WithReference(messaging).WaitFor(messaging)
    .WithReference(cache).WaitFor(cache)
    .WaitForCompletion(migrations)
    .WithEnvironment("Bazaar__Maintenance__Interval", builder.Configuration["Bazaar:Maintenance:Interval"] ?? "01:00:00");

builder.AddProject<Projects.BazaarCstd_Web>(ResourceNames.Web)
    .WithReference(api).WaitFor(api)
    .WithExternalHttpEndpoints()
    .WithHttpHealthCheck("/health");

builder.Build().Run();
