using BazaarCstd.Contracts;
using BazaarCstd.Worker;
using BazaarCstd.Worker.Maintenance;

var builder = Host.CreateApplicationBuilder(args);

builder.AddServiceDefaults();
builder.AddNpgsqlDataSource(ResourceNames.BazaarDbApp);
builder.AddRabbitMQClient(ResourceNames.Messaging);
builder.AddRedisClient(ResourceNames.Cache);

builder.Services.AddSingleton(TimeProvider.System);
builder.Services.AddOptions<DatabaseMaintenanceOptions>()
    .BindConfiguration(DatabaseMaintenanceOptions.Section)
    .Validate(o => o.IsValid, $"{DatabaseMaintenanceOptions.Section}:Interval must be more than zero and at most one day.")
    .ValidateOnStart();

builder.Services.AddHostedService<MessagingTopology>();
builder.Services.AddHostedService<DatabaseMaintenance>();
builder.Services.AddOpenTelemetry().WithTracing(tracing => tracing.AddSource(DatabaseMaintenance.ActivitySourceName));

builder.Build().Run();
