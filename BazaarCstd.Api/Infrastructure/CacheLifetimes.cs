namespace BazaarCstd.Api.Infrastructure;

/// <summary>
/// How long a client may use a cached read without asking again (<see cref="HttpCaching"/>). Stock
/// moves every second somewhere in the chain, so its pages are always revalidated (a 304 still
/// saves the transfer); the catalog and the store list change a few times a day, so a minute of
/// staleness is the price of not asking; a recorded movement never changes.
/// </summary>
public static class CacheLifetimes
{
    /// <summary>Stock, history, reports, alerts, thresholds, events: revalidate every time.</summary>
    public static readonly TimeSpan Live = TimeSpan.Zero;

    /// <summary>Products, stores, categories.</summary>
    public static readonly TimeSpan Catalog = TimeSpan.FromSeconds(60);

    /// <summary>One recorded movement: immutable.</summary>
    public static readonly TimeSpan Immutable = TimeSpan.FromHours(1);
}
