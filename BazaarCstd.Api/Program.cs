using BazaarCstd.Api.Infrastructure;
using BazaarCstd.Api.Infrastructure.Idempotency;
using BazaarCstd.Api.Platform;
using BazaarCstd.Api.Products;
using BazaarCstd.Api.Stock;
using BazaarCstd.Api.Stores;
using BazaarCstd.Contracts;
using Scalar.AspNetCore;

var builder = WebApplication.CreateBuilder(args);

builder.AddServiceDefaults();
builder.AddBazaarDatabase();
builder.AddRedisClient(ResourceNames.Cache);
builder.AddRabbitMQClient(ResourceNames.Messaging);

builder.Services.AddOpenApi();
builder.Services.AddValidation();
builder.Services.AddExceptionHandler<ProblemExceptionHandler>();
builder.Services.AddSingleton<SystemInfoProbe>();
builder.Services.AddSingleton(TimeProvider.System);
builder.Services.AddScoped<WriteSession>();
builder.Services.AddScoped<StoreScope>();
builder.Services.AddSingleton<IdempotencyKeys>();
builder.Services.AddScoped<StockLedger>();
builder.Services.AddSingleton<StockReader>();

var app = builder.Build();

app.UseExceptionHandler();
app.UseStatusCodePages();
app.UseMiddleware<RequestIdMiddleware>();
app.UseIdempotencyKeys();

app.MapOpenApi();
app.MapScalarApiReference();
app.MapDefaultEndpoints();

var api = app.MapGroup("/api").WithIdempotencyKeys();
api.MapSystem();
api.MapProducts();
api.MapStores();
api.MapStock();

app.Run();

/// <summary>Visible to the integration tests' <c>WebApplicationFactory</c>-free helpers.</summary>
public partial class Program;
