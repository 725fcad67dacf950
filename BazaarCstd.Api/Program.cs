using BazaarCstd.Api.Alerts;
using BazaarCstd.Api.Audit;
using BazaarCstd.Api.Auth;
using BazaarCstd.Api.Events;
using BazaarCstd.Api.Infrastructure;
using BazaarCstd.Api.Infrastructure.Idempotency;
using BazaarCstd.Api.Infrastructure.RateLimiting;
using BazaarCstd.Api.Infrastructure.ReadCache;
using BazaarCstd.Api.Infrastructure.Replica;
using BazaarCstd.Api.Operations;
using BazaarCstd.Api.Platform;
using BazaarCstd.Api.Products;
using BazaarCstd.Api.Reports;
using BazaarCstd.Api.Settings;
using BazaarCstd.Api.Stock;
using BazaarCstd.Api.Stores;
using BazaarCstd.Api.Users;
using BazaarCstd.Contracts;
using Scalar.AspNetCore;
using StackExchange.Redis;

var builder = WebApplication.CreateBuilder(args);

builder.AddServiceDefaults();
builder.AddBazaarDatabase();
builder.AddReplicaReads();
// Redis holds shared counters and stamps, and every use of it fails open: while it is unreachable,
// fail at once instead of queueing commands until they time out (timeouts: appsettings.json). Its
// socket is read on the .NET thread pool, not on the client's own threads that hand every answer
// over to it (docs/decisions.md, "Runtime settings": a quarter of the API's CPU per sale).
builder.AddRedisClient(ResourceNames.Cache, configureOptions: redis =>
{
    redis.BacklogPolicy = BacklogPolicy.FailFast;
    redis.SocketManager = SocketManager.ThreadPool;
});
builder.AddRabbitMQClient(ResourceNames.Messaging);
builder.AddBazaarAuth();
builder.AddBazaarRateLimits();
builder.AddBazaarReadCache();

builder.Services.AddOpenApi(options =>
{
    options.AddBazaarSecurity();
    options.AddOperationTransformer<ConsistencyTokenTransformer>();
    options.AddBazaarContract();
});
builder.Services.AddValidation();
builder.Services.AddExceptionHandler<ProblemExceptionHandler>();
builder.Services.AddSingleton<SystemInfoProbe>();
builder.Services.AddSingleton(TimeProvider.System);
builder.Services.AddScoped<StockLedger>();
builder.Services.AddSingleton<StockReader>();
builder.Services.AddSingleton<StockPageCache>();
builder.Services.AddSingleton<DeadLetterPublisher>();

var app = builder.Build();

app.UseExceptionHandler();
app.UseStatusCodePages();
app.UseMiddleware<RequestIdMiddleware>();
app.UseRequestBodyLimits();
app.UseAuthentication();
app.UseBazaarRateLimits();
app.UseAuthorization();
app.UseHttpCaching();
app.UseIdempotencyKeys();
app.UseReplicaReads();

app.MapOpenApi().AllowAnonymous();
app.MapScalarApiReference().AllowAnonymous();
app.MapDefaultEndpoints();

var api = app.MapGroup("/api").WithIdempotencyKeys();
api.MapAuth();
api.MapSystem();
api.MapProducts();
api.MapStores();
api.MapStock();
api.MapStockExports();
api.MapUsers();
api.MapAudit();
api.MapReports();
api.MapThresholds();
api.MapAlerts();
api.MapEvents();
api.MapDeadLetters();
api.MapSettings();
api.MapOperations();

app.Run();

/// <summary>Visible to the integration tests' <c>WebApplicationFactory</c>-free helpers.</summary>
public partial class Program;
