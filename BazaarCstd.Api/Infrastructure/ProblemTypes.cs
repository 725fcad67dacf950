namespace BazaarCstd.Api.Infrastructure;

/// <summary>
/// Stable problem <c>type</c> URIs. Clients switch on these, so they never change once published.
/// </summary>
public static class ProblemTypes
{
    private const string Base = "https://bazaar.example/problems/";

    public const string BadRequest = Base + "bad-request";
    public const string Validation = Base + "validation";
    public const string NotFound = Base + "not-found";
    public const string Conflict = Base + "conflict";
    public const string Internal = Base + "internal";
}
