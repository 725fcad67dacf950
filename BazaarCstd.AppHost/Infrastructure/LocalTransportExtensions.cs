namespace BazaarCstd.AppHost.Infrastructure;

internal static class LocalTransportExtensions
{
    /// <summary>
    /// Locally every service listens on plain HTTP on loopback (launch profiles "http"); none needs a
    /// certificate. Aspire still gives each project an HTTPS-certificate callback, and with one in the
    /// model the AppHost looks for a trusted ASP.NET Core development certificate and, finding none on
    /// a fresh machine, tops every dashboard page with a red "No trusted development certificate"
    /// banner. Saying that the projects use no certificate removes that false alarm's cause without
    /// changing the machine's trust store. When published, the platform's ingress terminates TLS.
    /// Call after every project has been added.
    /// </summary>
    public static IDistributedApplicationBuilder ServeProjectsOverPlainHttpLocally(this IDistributedApplicationBuilder builder)
    {
        if (builder.ExecutionContext.IsRunMode)
        {
            foreach (var project in builder.Resources.OfType<ProjectResource>().ToList())
            {
                // Evaluation API in Aspire 13 (ASPIRECERTIFICATES001); the stable alternative is a trusted certificate.
#pragma warning disable ASPIRECERTIFICATES001
                builder.CreateResourceBuilder(project).WithoutHttpsCertificate();
#pragma warning restore ASPIRECERTIFICATES001
            }
        }

        return builder;
    }
}
