namespace BazaarCstd.IntegrationTests.Infrastructure;

/// <summary>
/// One running app for a group of tests: started once, disposed after the last of them.
/// Subclasses give its AppHost settings and add what their tests need once it is up.
/// </summary>
public abstract class AppFixture : IAsyncLifetime
{
    private readonly IReadOnlyDictionary<string, string>? _settings;
    private readonly TimeSpan? _startTimeout;
    private readonly Action<IDistributedApplicationTestingBuilder>? _configure;
    private AppHostRunner? _runner;

    /// <param name="settings">AppHost configuration over <see cref="AppHostRunner.DefaultSettings"/>.</param>
    /// <param name="startTimeout">Replaces <see cref="AppHostRunner.StartTimeout"/>.</param>
    /// <param name="configure">Changes the app model before it is built.</param>
    protected AppFixture(
        IReadOnlyDictionary<string, string>? settings = null, TimeSpan? startTimeout = null, Action<IDistributedApplicationTestingBuilder>? configure = null)
    {
        _settings = settings;
        _startTimeout = startTimeout;
        _configure = configure;
        Accounts = new ApiAccounts(() => App);
    }

    public AppHostRunner Runner => _runner ?? throw new InvalidOperationException("The app has not started.");

    public DistributedApplication App => Runner.App;

    /// <summary>How long the start took, from the first attempt until every resource was ready.</summary>
    public TimeSpan StartupTime { get; private set; }

    /// <summary>Signed-in API clients (admin by default) and anonymous ones.</summary>
    public ApiAccounts Accounts { get; }

    /// <summary>An API client signed in as the administrator.</summary>
    public HttpClient CreateApiClient() => Accounts.Admin();

    public async Task InitializeAsync()
    {
        var started = System.Diagnostics.Stopwatch.StartNew();
        _runner = await AppHostRunner.StartAsync(_settings, _startTimeout, configure: _configure);
        StartupTime = started.Elapsed;
        await OnStartedAsync();
    }

    public virtual async Task DisposeAsync()
    {
        await Accounts.DisposeAsync();
        if (_runner is not null)
        {
            await _runner.DisposeAsync();
        }
    }

    /// <summary>Runs once the app is ready, before any test.</summary>
    protected virtual Task OnStartedAsync() => Task.CompletedTask;
}
