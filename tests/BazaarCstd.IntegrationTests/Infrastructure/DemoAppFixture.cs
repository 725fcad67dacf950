namespace BazaarCstd.IntegrationTests.Infrastructure;

/// <summary>
/// A private copy of the app started the way <c>./run.sh</c> starts it, with
/// <c>Bazaar:SeedDemoData=true</c>, on its own data root: the demo chain must not leak into the shared
/// app's tests, and its tests read the chain as seeded.
/// </summary>
public sealed class DemoAppFixture : IAsyncLifetime
{
    /// <summary>Startup plus a seed that may take up to a minute on a busy machine.</summary>
    private static readonly TimeSpan s_startTimeout = TimeSpan.FromSeconds(300);

    private AppHostRunner? _runner;

    public DistributedApplication App => (_runner ?? throw new InvalidOperationException("The app has not started.")).App;

    public DemoAppFixture() => Accounts = new ApiAccounts(() => App);

    /// <summary>Signed-in API clients: the admin, and the demo manager and staff accounts.</summary>
    public ApiAccounts Accounts { get; }

    /// <summary>An API client signed in as the administrator.</summary>
    public HttpClient CreateApiClient() => Accounts.Admin();

    public async Task<string> ConnectionStringAsync() =>
        (await App.GetConnectionStringAsync(BazaarCstd.Contracts.ResourceNames.BazaarDb))!;

    public async Task InitializeAsync() =>
        _runner = await AppHostRunner.StartAsync(new Dictionary<string, string> { ["Bazaar:SeedDemoData"] = "true" }, s_startTimeout);

    public async Task DisposeAsync()
    {
        if (_runner is not null)
        {
            await _runner.DisposeAsync();
        }
    }
}

[CollectionDefinition(Name)]
public sealed class DemoAppCollection : ICollectionFixture<DemoAppFixture>
{
    public const string Name = "bazaar-demo-app";
}
