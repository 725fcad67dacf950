using BazaarCstd.Contracts;
using BazaarCstd.Worker;
using BazaarCstd.Worker.Alerts;
using BazaarCstd.Worker.Events;
using BazaarCstd.Worker.Maintenance;
using BazaarCstd.Worker.Operations;
using Microsoft.Extensions.DependencyInjection.Extensions;
using RabbitMQ.Client;

// A web host only for /health and /alive (the AppHost probes them); the work is the hosted services.
var builder = WebApplication.CreateBuilder(args);

builder.AddServiceDefaults();
// Pooled connections keep their session (no DISCARD ALL, which also throws away every cached plan):
// see the API's DatabaseRegistration and docs/decisions.md, "Pooled sessions". The one session-level
// state here is the relay's advisory lock, which OutboxRelay releases itself.
builder.AddNpgsqlDataSource(ResourceNames.BazaarDbApp, configureDataSourceBuilder: dataSource =>
    dataSource.ConnectionStringBuilder.NoResetOnClose = true);
builder.AddRabbitMQClient(ResourceNames.Messaging);
// The connection waits for the broker however long it is down, instead of the client's 5 attempts (BrokerConnection).
builder.Services.Replace(ServiceDescriptor.Singleton(sp => BrokerConnection.Open(
    sp.GetRequiredService<IConnectionFactory>(),
    sp.GetRequiredService<ILoggerFactory>().CreateLogger(typeof(BrokerConnection)),
    sp.GetRequiredService<IHostApplicationLifetime>().ApplicationStopping)));

builder.Services.AddSingleton(TimeProvider.System);
builder.Services.AddOptions<DatabaseMaintenanceOptions>()
    .BindConfiguration(DatabaseMaintenanceOptions.Section)
    .Validate(o => o.IsValid, $"{DatabaseMaintenanceOptions.Section}:Interval must be more than zero and at most one day, and {DatabaseMaintenanceOptions.Section}:EventRetention more than one day, {DatabaseMaintenanceOptions.Section}:SnapshotInterval between a second and a day, and {DatabaseMaintenanceOptions.Section}:SnapshotEvery at least 1.")
    .ValidateOnStart();

// Hosted services start in this order: the topology exists before anything publishes or consumes.
builder.Services.AddSingleton<EventTelemetry>();
builder.Services.AddHostedService<MessagingTopology>();
builder.Services.AddHostedService<OutboxRelay>();
builder.Services.AddHostedService<AlertsConsumer>();
builder.Services.AddHostedService<DeadLetterKeeper>();
builder.Services.AddSingleton<ImportRunner>();
builder.Services.AddHostedService<OperationsConsumer>();
builder.Services.AddHostedService<EventFlowMonitor>();
builder.Services.AddHostedService<DatabaseMaintenance>();

builder.Services.AddHealthChecks().AddCheck<OutboxLagHealthCheck>("outbox-lag");
builder.Services.AddOpenTelemetry()
    .WithTracing(tracing => tracing.AddSource(DatabaseMaintenance.ActivitySourceName, EventTelemetry.ActivitySourceName))
    .WithMetrics(metrics => metrics.AddMeter(EventTelemetry.MeterName));

var app = builder.Build();
app.MapDefaultEndpoints();
app.Run();
