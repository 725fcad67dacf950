using Microsoft.Extensions.Configuration;

namespace BazaarCstd.AppHost.Infrastructure;

/// <summary>
/// The one switch between the two ways of running the backing services. Run mode defaults to local
/// executables from the Debian packages (no container engine needed); publish mode, or
/// <c>Infrastructure:Mode=containers</c>, uses the standard Aspire container integrations.
/// </summary>
internal static class InfrastructureMode
{
    public const string ConfigurationKey = "Infrastructure:Mode";

    public static bool UsesContainers(this IDistributedApplicationBuilder builder) =>
        builder.ExecutionContext.IsPublishMode
        || string.Equals(builder.Configuration[ConfigurationKey], "containers", StringComparison.OrdinalIgnoreCase);
}
