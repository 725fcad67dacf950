using BazaarCstd.Contracts;
using BazaarCstd.Web.Components;
using BazaarCstd.Web.Services;
using MudBlazor.Services;

var builder = WebApplication.CreateBuilder(args);

builder.AddServiceDefaults();

builder.Services.AddRazorComponents().AddInteractiveServerComponents();
builder.Services.AddMudServices();

// "https+http://api": service discovery resolves the AppHost's api resource, HTTPS preferred.
builder.Services.AddHttpClient<InventoryApiClient>(client =>
    client.BaseAddress = new Uri($"https+http://{ResourceNames.Api}"));

var app = builder.Build();

if (!app.Environment.IsDevelopment())
{
    app.UseExceptionHandler("/Error", createScopeForErrors: true);
}

app.UseAntiforgery();
app.MapStaticAssets();
app.MapRazorComponents<App>().AddInteractiveServerRenderMode();
app.MapDefaultEndpoints();

app.Run();
