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
