using BazaarCstd.Contracts;
using BazaarCstd.Web.Auth;
using BazaarCstd.Web.Components;
using BazaarCstd.Web.Exports;
using BazaarCstd.Web.Live;
using BazaarCstd.Web.Services;
using MudBlazor.Services;

var builder = WebApplication.CreateBuilder(args);

builder.AddServiceDefaults();
builder.AddWebAuthentication();

builder.Services.AddRazorComponents().AddInteractiveServerComponents();
builder.Services.AddMudServices();
builder.Services.AddSingleton(TimeProvider.System);

// Live updates: this instance's own queue on the inventory exchange, fanned out to its circuits.
// RabbitMQ down pauses them (Degraded), it does not take the dashboard out of service, hence our
// own health check instead of the client's.
builder.AddRabbitMQClient(ResourceNames.Messaging, settings => settings.DisableHealthChecks = true,
    factory => factory.NetworkRecoveryInterval = TimeSpan.FromSeconds(1));
builder.Services.AddSingleton<InventoryChangeFeed>();
builder.Services.AddSingleton<InventoryEventListener>();
builder.Services.AddHostedService(sp => sp.GetRequiredService<InventoryEventListener>());
builder.Services.AddScoped<LiveInventory>();
builder.Services.AddScoped<ApiAvailability>();
builder.Services.AddScoped<ReadYourWrites>();
builder.Services.AddHealthChecks().AddCheck<LiveUpdatesHealthCheck>("live-updates");

// "https+http://api": service discovery resolves the AppHost's api resource, HTTPS preferred.
var api = new Uri($"https+http://{ResourceNames.Api}");
builder.Services.AddHttpClient<AuthApiClient>(client => client.BaseAddress = api);
builder.Services.AddHttpClient<InventoryApiClient>(client => client.BaseAddress = api)
    .AddHttpMessageHandler<ApiTokenHandler>();

var app = builder.Build();

if (!app.Environment.IsDevelopment())
{
    app.UseExceptionHandler("/Error", createScopeForErrors: true);
}

app.UseAuthentication();
app.UseAuthorization();
app.UseAntiforgery();
app.MapStaticAssets();
app.MapRazorComponents<App>().AddInteractiveServerRenderMode();
app.MapAccount();
app.MapExports();
app.MapDefaultEndpoints();

app.Run();
