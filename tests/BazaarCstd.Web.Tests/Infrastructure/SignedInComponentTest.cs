using System.Security.Claims;
using BazaarCstd.Web.Auth;
using BazaarCstd.Web.Services;
using Bunit;
using Microsoft.AspNetCore.Components.Authorization;
using Microsoft.Extensions.DependencyInjection;
using MudBlazor.Services;

namespace BazaarCstd.Web.Tests.Infrastructure;

/// <summary>
/// A bUnit context for a dashboard component as a signed-in manager whose session's API calls go to
/// <see cref="Api"/>. MudBlazor's services are async-disposable only, so the context is disposed asynchronously.
/// </summary>
public abstract class SignedInComponentTest : IAsyncLifetime
{
    protected SignedInComponentTest()
    {
        Context.JSInterop.Mode = JSRuntimeMode.Loose;
        Context.Services.AddMudServices();
        var authorization = Context.AddAuthorization();
        authorization.SetAuthorized("manager@test");
        authorization.SetClaims(new Claim(SessionClaims.Session, "session-1"));
        Context.Services.AddScoped<ApiAvailability>();
        Context.Services.AddScoped(sp => new InventoryApiClient(Api.Client(), sp.GetRequiredService<AuthenticationStateProvider>(), sp.GetRequiredService<ApiAvailability>(), new ReadYourWrites()));
    }

    protected BunitContext Context { get; } = new();

    protected FakeApi Api { get; } = new();

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync() => await Context.DisposeAsync();
}
