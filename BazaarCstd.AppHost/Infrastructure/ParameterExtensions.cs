namespace BazaarCstd.AppHost.Infrastructure;

internal static class ParameterExtensions
{
    /// <summary>
    /// A parameter read from configuration (<c>Parameters:name</c>, e.g. user secrets or
    /// <c>--Parameters:admin-password=…</c>) that falls back to <paramref name="localDefault"/> when
    /// running locally. Published deployments must supply a value.
    /// </summary>
    public static IResourceBuilder<ParameterResource> AddParameterWithLocalDefault(
        this IDistributedApplicationBuilder builder, string name, Func<string> localDefault, bool secret = false)
    {
        if (builder.ExecutionContext.IsPublishMode)
        {
            return builder.AddParameter(name, secret);
        }

        return builder.AddParameter(name, () => builder.Configuration[$"Parameters:{name}"] ?? localDefault(), secret: secret);
    }
}
