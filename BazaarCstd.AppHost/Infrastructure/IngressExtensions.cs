namespace BazaarCstd.AppHost.Infrastructure;

internal static class IngressExtensions
{
    /// <summary>
    /// When published, the service is reached only through the platform's ingress (Azure Container
    /// Apps), which appends the caller's address to <c>X-Forwarded-For</c>. ASP.NET Core's
    /// forwarded-headers middleware (switched on by <c>ASPNETCORE_FORWARDEDHEADERS_ENABLED</c>) then
    /// takes that last hop as the client address, so per-address limits count each caller, not the
    /// ingress. Locally nothing sits in front of the service and the header is not trusted: a client
    /// cannot claim another address to get a fresh budget.
    /// </summary>
    public static IResourceBuilder<T> WithClientAddressFromIngress<T>(this IResourceBuilder<T> resource)
        where T : IResourceWithEnvironment =>
        resource.ApplicationBuilder.ExecutionContext.IsPublishMode
            ? resource.WithEnvironment("ASPNETCORE_FORWARDEDHEADERS_ENABLED", "true")
            : resource;
}
