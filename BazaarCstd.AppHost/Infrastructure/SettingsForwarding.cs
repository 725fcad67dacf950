using Microsoft.Extensions.Configuration;

namespace BazaarCstd.AppHost.Infrastructure;

internal static class SettingsForwarding
{
    /// <summary>
    /// Hands every value set under the AppHost's configuration section <paramref name="from"/>
    /// (appsettings, command line, environment) to the service as section <paramref name="to"/>,
    /// e.g. <c>Bazaar:RateLimits:Auth:PermitLimit</c> → <c>RateLimits__Auth__PermitLimit</c>.
    /// Unset values keep the service's own defaults.
    /// </summary>
    public static IResourceBuilder<T> WithSettingsFrom<T>(this IResourceBuilder<T> resource, IConfiguration configuration, string from, string to)
        where T : IResourceWithEnvironment
    {
        foreach (var (key, value) in configuration.GetSection(from).AsEnumerable(makePathsRelative: true))
        {
            if (value is not null)
            {
                resource.WithEnvironment($"{to}__{key.Replace(":", "__", StringComparison.Ordinal)}", value);
            }
        }

        return resource;
    }
}
