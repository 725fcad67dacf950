using BazaarCstd.Contracts;
using BazaarCstd.Data;
using BazaarCstd.MigrationService;
using BazaarCstd.MigrationService.DemoData;

var builder = Host.CreateApplicationBuilder(args);

builder.AddServiceDefaults();
builder.AddNpgsqlDataSource(ResourceNames.BazaarDb);
builder.Services.AddDbContext<BazaarDbContext>((sp, options) =>
    options.UseBazaarNpgsql(sp.GetRequiredService<Npgsql.NpgsqlDataSource>()));
builder.EnrichNpgsqlDbContext<BazaarDbContext>();

builder.Services.AddSingleton<SchemaObjectApplier>();
builder.Services.AddSingleton<ApplicationRoleLogin>();
builder.Services.AddSingleton<AccountBootstrapper>();
// Set by ./run.sh (through the AppHost), never by the tests' shared app.
if (builder.Configuration.GetValue<bool>("Bazaar:SeedDemoData"))
{
    builder.Services.AddSingleton(TimeProvider.System);
    builder.Services.AddSingleton<DemoDataSeeder>();
}

builder.Services.AddHostedService<DatabaseMigrator>();
builder.Services.AddOpenTelemetry().WithTracing(tracing => tracing.AddSource(DatabaseMigrator.ActivitySourceName));

builder.Build().Run();
