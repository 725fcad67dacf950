using BazaarCstd.Contracts;
using BazaarCstd.Web.Auth;
using BazaarCstd.Web.Components;
using BazaarCstd.Web.Services;
using MudBlazor.Services;

var builder = WebApplication.CreateBuilder(args);

builder.AddServiceDefaults();
builder.AddWebAuthentication();

builder.Services.AddRazorComponents().AddInteractiveServerComponents();
builder.Services.AddMudServices();
builder.Services.AddSingleton(TimeProvider.System);

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
app.MapDefaultEndpoints();

app.Run();
