using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Logging;

namespace BazaarCstd.IntegrationTests.Infrastructure;

/// <summary>
/// Starts the real AppHost (local PostgreSQL primary + replica, Redis, RabbitMQ, the services) on a
/// fresh temporary data root, and waits until every resource is usable.
/// </summary>
public sealed class AppHostRunner : IAsyncDisposable
{
    public static readonly TimeSpan StartTimeout = TimeSpan.FromSeconds(180);

    /// <summary>
    /// AppHost settings every test app starts with unless the caller overrides them. The suite signs
    /// in far more often than 30 times a minute from one address (everything arrives through the
    /// AppHost's proxy from 127.0.0.1), so the shared app gets limits no test reaches;
    /// <c>RateLimitTests</c> runs its own app with small ones.
    /// </summary>
    public static readonly IReadOnlyDictionary<string, string> DefaultSettings = new Dictionary<string, string>
    {
        ["Bazaar:RateLimits:Writes:PermitLimit"] = "1000000",
        ["Bazaar:RateLimits:Reads:PermitLimit"] = "1000000",
        ["Bazaar:RateLimits:Auth:PermitLimit"] = "1000000",

        // A short maintenance interval lets tests watch the worker's periodic work happen.
        ["Bazaar:Maintenance:Interval"] = "00:00:02",

        // Stock snapshots every 20 movements of a shelf, for history older than the last 5 s: the
        // snapshot build then runs all through the suite, beside every test's writes, and every
        // consistency check (InventoryApi.InconsistentLevelsAsync) checks the snapshots too.
        ["Bazaar:Maintenance:SnapshotInterval"] = "00:00:05",
        ["Bazaar:Maintenance:SnapshotEvery"] = "20",
    };

    private int _disposed;

    private AppHostRunner(DistributedApplication app, string dataRoot)
    {
        App = app;
        DataRoot = dataRoot;
    }

    public DistributedApplication App { get; }

    /// <summary>
    /// What the AppHost itself (not its resources) had logged at Warning or above by the moment the app
    /// was ready: the findings the dashboard shows as banners.
    /// </summary>
    public IReadOnlyList<string> AppHostStartWarnings { get; private set; } = [];

    /// <summary>Every process the AppHost starts keeps its data (and its working folder) under this.</summary>
    public string DataRoot { get; }

    /// <summary>
    /// What every resource instance (e.g. <c>api-abcd1234</c>) had logged by the moment the app was
    /// ready, read from the start of each log: the start as an operator would have seen it.
    /// </summary>
    public IReadOnlyDictionary<string, IReadOnlyList<LogLine>> StartLogs { get; private set; } = new Dictionary<string, IReadOnlyList<LogLine>>();

    /// <summary>
    /// Starts the app with <see cref="DefaultSettings"/> overridden by <paramref name="settings"/>
    /// (AppHost configuration such as <c>Bazaar:SeedDemoData</c> or <c>Bazaar:ApiReplicas</c>);
    /// <paramref name="timeout"/> replaces <see cref="StartTimeout"/>; <paramref name="configure"/> changes
    /// the app model before it is built (e.g. an environment variable for one service).
    /// A start that fails or misses its deadline is reported in full on standard error and tried once
    /// more on a fresh data root: the suite starts several apps of a dozen processes each on two cores,
    /// and one start stalled once in CI. The report says which resource it was; a second failure fails
    /// the tests that needed the app, and the startup-time test measures both attempts.
    /// </summary>
    public static async Task<AppHostRunner> StartAsync(
        IReadOnlyDictionary<string, string>? settings = null, TimeSpan? timeout = null, CancellationToken cancellationToken = default,
        Action<IDistributedApplicationTestingBuilder>? configure = null)
    {
        try
        {
            return await StartOnceAsync(settings, timeout, configure, cancellationToken);
        }
        catch (AppStartException first) when (!cancellationToken.IsCancellationRequested)
        {
            await Console.Error.WriteLineAsync($"[apphost] first start failed; trying once more on a fresh data root.{Environment.NewLine}{first.Message}");
            return await StartOnceAsync(settings, timeout, configure, cancellationToken);
        }
    }

    private static async Task<AppHostRunner> StartOnceAsync(
        IReadOnlyDictionary<string, string>? settings, TimeSpan? timeout, Action<IDistributedApplicationTestingBuilder>? configure,
        CancellationToken cancellationToken)
    {
        // Under /tmp: the postgres user can always reach it (a clone under /root it could not).
        var dataRoot = Directory.CreateTempSubdirectory("bazaar-test-").FullName;
        if (!OperatingSystem.IsWindows())
        {
            File.SetUnixFileMode(dataRoot, (UnixFileMode)Convert.ToInt32("755", 8));
        }

        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        deadline.CancelAfter(timeout ?? StartTimeout);

        var configuration = new Dictionary<string, string>(DefaultSettings) { ["Bazaar:DataRoot"] = dataRoot };
        foreach (var (key, value) in settings ?? new Dictionary<string, string>())
        {
            configuration[key] = value;
        }

        var builder = await DistributedApplicationTestingBuilder.CreateAsync<Projects.BazaarCstd_AppHost>(
            [.. configuration.Select(setting => $"--{setting.Key}={setting.Value}")],
            (options, _) => options.DisableDashboard = true,
            deadline.Token);
        var appHostLog = new AppHostLogCapture();
        builder.Services.AddLogging(logging => logging
            .AddProvider(appHostLog)
            .AddFilter<AppHostLogCapture>("Aspire.Hosting.Dcp.DcpHost", LogLevel.Warning)
            .AddFilter<AppHostLogCapture>("BazaarCstd.AppHost.Resources", LogLevel.None) // resource logs: StartLogs
            .SetMinimumLevel(LogLevel.Warning)
            .AddFilter("Aspire.Hosting", LogLevel.Warning)
            .AddFilter("Aspire.Hosting.Dcp", LogLevel.Error)
            .AddFilter("Microsoft.Extensions.Diagnostics.HealthChecks", LogLevel.None)
            .AddFilter("BazaarCstd.AppHost.Resources", LogLevel.Warning));

        // With the dashboard off nothing listens on the OTLP endpoint Aspire still hands every service
        // (localhost:4317): each one's exporter then spends its shutdown retrying the export, ~15 s
        // per process, the migrations' exit (on which the API and Worker wait) included.
        foreach (var project in builder.Resources.OfType<ProjectResource>())
        {
            project.Annotations.Add(new EnvironmentCallbackAnnotation(context =>
                context.EnvironmentVariables.Remove("OTEL_EXPORTER_OTLP_ENDPOINT")));
        }

        configure?.Invoke(builder);
        var app = await builder.BuildAsync(deadline.Token);
        var runner = new AppHostRunner(app, dataRoot);
        await using var watch = new StartupWatch(app);
        string failure;
        try
        {
            var ready = runner.WaitUntilReadyAsync(deadline.Token);
            if (await Task.WhenAny(ready, watch.Failure) == ready)
            {
                await ready;
                await runner.ReadStartLogsAsync(watch.ResourceIds, deadline.Token);
                runner.AppHostStartWarnings = appHostLog.Entries;
                return runner;
            }

            failure = $"The app did not start: {await watch.Failure}.";
            await deadline.CancelAsync(); // stop waiting for a start that cannot come
        }
        catch (OperationCanceledException) when (deadline.IsCancellationRequested && !cancellationToken.IsCancellationRequested)
        {
            failure = $"The app was not ready within {(timeout ?? StartTimeout).TotalSeconds:0} s.";
        }
        catch
        {
            await runner.DisposeAsync();
            throw;
        }

        var report = await watch.ReportAsync();
        await runner.DisposeAsync();
        throw new AppStartException($"{failure} Resources:{Environment.NewLine}{report}");
    }

    /// <summary>
    /// Has the API and the Worker write their spans to their consoles (ServiceDefaults'
    /// <c>ConsoleSpanWriter</c>), where the tracing tests read them: the exporter Aspire would use is
    /// off with the dashboard. Only the shared app, whose <c>CleanStartTests</c> read them: writing
    /// every span of every request costs the other apps CPU for nothing. They record every trace
    /// (no rate-limited sampler, <c>TracesPerSecond</c> 0): a test that waits for its requests' spans
    /// must not depend on the sampler's budget of new traces a second, which every root span of the
    /// process draws on (a test waiting for 10 sales' spans timed out late in a suite run with it).
    /// </summary>
    public static void WriteSpansToConsole(IDistributedApplicationTestingBuilder builder)
    {
        foreach (var project in builder.Resources.OfType<ProjectResource>().Where(p => p.Name is ResourceNamesForTests.Api or ResourceNamesForTests.Worker))
        {
            project.Annotations.Add(new EnvironmentCallbackAnnotation(context =>
            {
                context.EnvironmentVariables["Bazaar__Telemetry__SpansToConsole"] = "true";
                context.EnvironmentVariables["Bazaar__Telemetry__TracesPerSecond"] = "0";
            }));
        }
    }

    /// <summary>
    /// Starts the app (which returns once every <c>WaitFor</c> is met), then waits for the migrations
    /// to finish and for every replica of each resource with a health check to be healthy.
    /// </summary>
    private async Task WaitUntilReadyAsync(CancellationToken cancellationToken)
    {
        await App.StartAsync(cancellationToken);
        await App.ResourceNotifications.WaitForResourceAsync(ResourceNamesForTests.Migrations, KnownResourceStates.Finished, cancellationToken);
        foreach (var name in ResourceNamesForTests.Healthy)
        {
            await App.ResourceNotifications.WaitForResourceHealthyAsync(name, cancellationToken);

            // That returns when the first replica is healthy; the proxy sends requests to all of them.
            await InstancesAsync(name, e => e.Snapshot.HealthStatus == HealthStatus.Healthy, cancellationToken);
        }
    }

    private async Task ReadStartLogsAsync(IEnumerable<string> resourceIds, CancellationToken cancellationToken)
    {
        var logs = new Dictionary<string, IReadOnlyList<LogLine>>(StringComparer.Ordinal);
        foreach (var id in resourceIds)
        {
            logs[id] = await LogsAsync(id, cancellationToken);
        }

        StartLogs = logs;
    }

    /// <summary>Everything a resource instance has logged so far, from its first line.</summary>
    public async Task<IReadOnlyList<LogLine>> LogsAsync(string resourceId, CancellationToken cancellationToken = default)
    {
        var lines = new List<LogLine>();
        await foreach (var batch in App.Services.GetRequiredService<ResourceLoggerService>().GetAllAsync(resourceId).WithCancellation(cancellationToken))
        {
            lines.AddRange(batch);
        }

        return lines;
    }

    /// <summary>
    /// Each running instance's own address, behind the AppHost's proxy: its port from the
    /// <c>ASPNETCORE_URLS</c> DCP started it with, on 127.0.0.1 (so a client bound to another loopback
    /// address reaches it too). In instance order.
    /// </summary>
    public async Task<Uri[]> InstanceAddressesAsync(string resourceName, CancellationToken cancellationToken = default)
    {
        var instances = await InstancesAsync(resourceName, cancellationToken: cancellationToken);
        return [.. instances.Select(instance =>
        {
            Assert.True(App.ResourceNotifications.TryGetCurrentState(instance, out var state), $"{instance} is unknown.");
            var urls = state.Snapshot.EnvironmentVariables.FirstOrDefault(e => e.Name == "ASPNETCORE_URLS")?.Value
                ?? throw new InvalidOperationException($"{instance} has no ASPNETCORE_URLS: "
                    + string.Join(", ", state.Snapshot.EnvironmentVariables.Select(e => $"{e.Name}={e.Value}")));
            var url = new Uri(urls.Split(';').First(u => u.StartsWith("http://", StringComparison.Ordinal)));
            return new UriBuilder(url) { Host = "127.0.0.1" }.Uri;
        })];
    }

    /// <summary>
    /// The ids of a resource's instances (one per replica, e.g. <c>api-abcd1234</c>), once each of
    /// them matches <paramref name="where"/> (default: exists).
    /// </summary>
    public async Task<string[]> InstancesAsync(string resourceName, Func<ResourceEvent, bool>? where = null, CancellationToken cancellationToken = default)
    {
        var replicas = App.Services.GetRequiredService<DistributedApplicationModel>().Resources
            .Single(r => r.Name == resourceName)
            .GetReplicaCount();
        var found = new HashSet<string>();
        await foreach (var e in App.ResourceNotifications.WatchAsync(cancellationToken))
        {
            if (e.Resource.Name == resourceName && (where?.Invoke(e) ?? true) && found.Add(e.ResourceId) && found.Count == replicas)
            {
                break;
            }
        }

        return [.. found.Order(StringComparer.Ordinal)];
    }

    /// <summary>Stops every process of the app; a second call (a test that disposed its app, then its fixture) does nothing.</summary>
    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _disposed, 1) == 1)
        {
            return;
        }

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

/// <summary>The app did not start: a resource failed, or the deadline passed. The message holds the whole report.</summary>
public sealed class AppStartException(string message) : Exception(message);
