using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace BazaarCstd.IntegrationTests.Infrastructure;

/// <summary>
/// Starts the real AppHost (local PostgreSQL primary + replica, Redis, RabbitMQ, the services) on a
/// fresh temporary data root, and waits until every resource is usable.
/// </summary>
public sealed class AppHostRunner : IAsyncDisposable
{
    public static readonly TimeSpan StartTimeout = TimeSpan.FromSeconds(180);

    private AppHostRunner(DistributedApplication app, string dataRoot)
    {
        App = app;
        DataRoot = dataRoot;
    }

    public DistributedApplication App { get; }

    /// <summary>Every process the AppHost starts keeps its data (and its working folder) under this.</summary>
    public string DataRoot { get; }

    /// <summary>
    /// Starts the app; <paramref name="extraArgs"/> are AppHost configuration switches such as
    /// <c>--Bazaar:SeedDemoData=true</c>, <paramref name="timeout"/> replaces <see cref="StartTimeout"/>.
    /// </summary>
    public static async Task<AppHostRunner> StartAsync(
        string[]? extraArgs = null, TimeSpan? timeout = null, CancellationToken cancellationToken = default)
    {
        // Under /tmp: the postgres user can always reach it (a clone under /root it could not).
        var dataRoot = Directory.CreateTempSubdirectory("bazaar-test-").FullName;
        if (!OperatingSystem.IsWindows())
        {
            File.SetUnixFileMode(dataRoot, (UnixFileMode)Convert.ToInt32("755", 8));
        }

        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        deadline.CancelAfter(timeout ?? StartTimeout);

        var builder = await DistributedApplicationTestingBuilder.CreateAsync<Projects.BazaarCstd_AppHost>(
            // A short maintenance interval lets tests watch the worker's periodic work happen.
            [$"--Bazaar:DataRoot={dataRoot}", "--Bazaar:Maintenance:Interval=00:00:02", .. extraArgs ?? []],
            (options, _) => options.DisableDashboard = true,
            deadline.Token);
        builder.Services.AddLogging(logging => logging
            .SetMinimumLevel(LogLevel.Warning)
            .AddFilter("Aspire.Hosting", LogLevel.Warning)
            .AddFilter("Aspire.Hosting.Dcp", LogLevel.Error)
            .AddFilter("Microsoft.Extensions.Diagnostics.HealthChecks", LogLevel.None)
            .AddFilter("BazaarCstd.AppHost.Resources", LogLevel.Warning));

        var app = await builder.BuildAsync(deadline.Token);
        var runner = new AppHostRunner(app, dataRoot);
        try
        {
            await app.StartAsync(deadline.Token);
            await app.ResourceNotifications.WaitForResourceAsync(ResourceNamesForTests.Migrations, KnownResourceStates.Finished, deadline.Token);

            // A failed migration (or demo seed) keeps the API from ever starting: say so now, not at the deadline.
            if (app.ResourceNotifications.TryGetCurrentState(ResourceNamesForTests.Migrations, out var migrations)
                && migrations.Snapshot.ExitCode is { } exitCode and not 0)
            {
                throw new InvalidOperationException(
                    $"The {ResourceNamesForTests.Migrations} resource exited with code {exitCode}; its log above says why.");
            }

            foreach (var name in ResourceNamesForTests.Healthy)
            {
                await app.ResourceNotifications.WaitForResourceHealthyAsync(name, deadline.Token);
            }

            return runner;
        }
        catch
        {
            await runner.DisposeAsync();
            throw;
        }
    }

    public async ValueTask DisposeAsync()
    {
        await App.StopAsync();
        await App.DisposeAsync();
        try
        {
            Directory.Delete(DataRoot, recursive: true);
        }
        catch (IOException)
        {
            // A server still flushing its last file: the folder is in /tmp and harmless.
        }
        catch (UnauthorizedAccessException)
        {
        }
    }
}
