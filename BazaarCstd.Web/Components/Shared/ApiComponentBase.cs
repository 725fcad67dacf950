using BazaarCstd.Web.Auth;
using BazaarCstd.Web.Services;
using Microsoft.AspNetCore.Components;

namespace BazaarCstd.Web.Components.Shared;

/// <summary>
/// A component that calls the API as the signed-in user: a session the API no longer accepts sends
/// the browser to sign-in with a message; any other refusal becomes a sentence for the page.
/// </summary>
public abstract class ApiComponentBase : ComponentBase
{
    [Inject]
    protected NavigationManager Navigation { get; set; } = default!;

    private int _loadsStarted;

    /// <summary>
    /// Fetches what the page lists and applies it (the result, or null, with the readable problem),
    /// unless a newer load started meanwhile: two quick filter changes send two requests, and the
    /// older one's answer may arrive last. Last request wins, not last answer; a superseded load
    /// applies nothing, so the page's loading state stays the newer load's.
    /// </summary>
    protected async Task LoadLatestAsync<T>(Func<Task<T>> fetch, Action<T?, string?> apply)
        where T : class
    {
        var load = ++_loadsStarted; // components run on their renderer's context: one at a time
        T? result = null;
        var problem = await CallApiAsync(async () => result = await fetch());
        if (load == _loadsStarted)
        {
            apply(result, problem);
        }
    }

    /// <summary>Runs an API call; returns the readable problem when it was refused, null when it worked.</summary>
    protected async Task<string?> CallApiAsync(Func<Task> call)
    {
        try
        {
            await call();
            return null;
        }
        catch (SessionExpiredException)
        {
            Navigation.NavigateTo("account/expired", forceLoad: true);
            return "Your session has ended.";
        }
        catch (ApiProblemException problem)
        {
            return ProblemText.Describe(problem);
        }
        catch (HttpRequestException)
        {
            return "The inventory service cannot be reached right now. Try again in a moment.";
        }
    }
}
