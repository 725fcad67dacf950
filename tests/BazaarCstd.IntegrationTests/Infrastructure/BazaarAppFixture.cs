namespace BazaarCstd.IntegrationTests.Infrastructure;

/// <summary>
/// The one running app shared by every test in the <see cref="BazaarAppCollection"/>: starting
/// PostgreSQL, Redis, RabbitMQ and the services once keeps the suite fast. Tests make their own data.
/// </summary>
public sealed class BazaarAppFixture : IAsyncLifetime
{
    private AppHostRunner? _runner;

    public TimeSpan StartupTime { get; private set; }

    public AppHostRunner Runner => _runner ?? throw new InvalidOperationException("The app has not started.");

    public DistributedApplication App => Runner.App;

    public BazaarAppFixture() => Accounts = new ApiAccounts(() => App);

    /// <summary>Signed-in API clients (admin by default) and anonymous ones.</summary>
    public ApiAccounts Accounts { get; }

    /// <summary>An API client signed in as the administrator.</summary>
    public HttpClient CreateApiClient() => Accounts.Admin();

    public async Task InitializeAsync()
    {
        var started = System.Diagnostics.Stopwatch.StartNew();
        _runner = await AppHostRunner.StartAsync();
        StartupTime = started.Elapsed;
    }

    public async Task DisposeAsync()
    {
        if (_runner is not null)
        {
            await _runner.DisposeAsync();
        }
    }
}

[CollectionDefinition(Name)]
public sealed class BazaarAppCollection : ICollectionFixture<BazaarAppFixture>
{
    public const string Name = "bazaar-app";
}
