using System.Reflection;

namespace BazaarCstd.AppHost.Infrastructure;

/// <summary>
/// Starts each service from its build output instead of through <c>dotnet run</c>.
/// </summary>
/// <remarks>
/// Aspire launches a project as <c>dotnet run --project … --no-build</c>: an SDK process that
/// evaluates the project with MSBuild to find the program, starts it as its child and stays alive
/// beside it (<c>ps</c> during a start, 2026-12-04, Debug: about 3 s of CPU per wrapper, six or seven
/// per app: API and Worker replicas, Web, migrations). One test app's start, test and stop took 70
/// and 68 CPU-s with them, 47 and 47 without (docs/decisions.md). The AppHost's build has built
/// every service for its configuration, so the native executable the SDK would find is at
/// <c>&lt;project&gt;/bin/&lt;configuration&gt;/&lt;tfm&gt;/&lt;name&gt;</c>; an
/// <see cref="ExecutableAnnotation"/> makes DCP start that file itself, with the same environment,
/// arguments and working directory (<c>--no-launch-profile</c>: Aspire applies the profile's
/// settings itself). Left to <c>dotnet run</c>: publish mode, <c>dotnet watch</c>, an IDE's debug
/// session, and a service whose executable is missing (then the SDK's error says why).
/// </remarks>
public static class DirectLaunchExtensions
{
    public static IDistributedApplicationBuilder LaunchBuiltProjectsDirectly(this IDistributedApplicationBuilder builder)
    {
        if (!builder.ExecutionContext.IsRunMode
            || builder.Configuration["DOTNET_WATCH"] is "1" or "true"
            || !string.IsNullOrEmpty(builder.Configuration["DEBUG_SESSION_PORT"]))
        {
            return builder;
        }

        // The services are built with the AppHost, for its configuration and target framework.
        var appHost = typeof(DirectLaunchExtensions).Assembly;
        var configuration = appHost.GetCustomAttribute<AssemblyConfigurationAttribute>()?.Configuration;
        var targetFramework = Path.GetFileName(Path.GetDirectoryName(appHost.Location));
        if (string.IsNullOrEmpty(configuration) || string.IsNullOrEmpty(targetFramework))
        {
            return builder;
        }

        foreach (var project in builder.Resources.OfType<ProjectResource>())
        {
            var projectPath = project.GetProjectMetadata().ProjectPath;
            var directory = Path.GetDirectoryName(projectPath)!;
            var executable = Path.Combine(directory, "bin", configuration, targetFramework, Path.GetFileNameWithoutExtension(projectPath));
            if (File.Exists(executable))
            {
                project.Annotations.Add(new ExecutableAnnotation { Command = executable, WorkingDirectory = directory });
            }
        }

        return builder;
    }
}
