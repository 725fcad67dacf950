using BazaarCstd.Contracts;
using BazaarCstd.Data;
using BazaarCstd.MigrationService;

var builder = Host.CreateApplicationBuilder(args);

builder.AddServiceDefaults();
builder.AddNpgsqlDataSource(ResourceNames.BazaarDb);
builder.Services.AddDbContext<BazaarDbContext>((sp, options) =>
    options.UseBazaarNpgsql(sp.GetRequiredService<Npgsql.NpgsqlDataSource>()));
builder.EnrichNpgsqlDbContext<BazaarDbContext>();

builder.Services.AddSingleton<ApplicationRoleLogin>();
builder.Services.AddSingleton<AccountBootstrapper>();
builder.Services.AddHostedService<DatabaseMigrator>();
builder.Services.AddOpenTelemetry().WithTracing(tracing => tracing.AddSource(DatabaseMigrator.ActivitySourceName));

builder.Build().Run();
