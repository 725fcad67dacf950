using BazaarCstd.Contracts;
using BazaarCstd.Worker;

var builder = Host.CreateApplicationBuilder(args);

builder.AddServiceDefaults();
builder.AddNpgsqlDataSource(ResourceNames.BazaarDbApp);
builder.AddRabbitMQClient(ResourceNames.Messaging);
builder.AddRedisClient(ResourceNames.Cache);

builder.Services.AddHostedService<MessagingTopology>();

builder.Build().Run();
