namespace BazaarCstd.IntegrationTests.Infrastructure;

/// <summary>
/// A private copy of the app started the way <c>./run.sh</c> starts it, with
/// <c>Bazaar:SeedDemoData=true</c>, on its own data root: the demo chain must not leak into the shared
/// app's tests, and its tests read the chain as seeded. One API replica: its tests only read.
/// </summary>
public sealed class DemoAppFixture() : AppFixture(
    new Dictionary<string, string> { ["Bazaar:SeedDemoData"] = "true", ["Bazaar:ApiReplicas"] = "1" }, s_startTimeout)
{
    /// <summary>Startup plus a seed that may take up to a minute on a busy machine.</summary>
    private static readonly TimeSpan s_startTimeout = TimeSpan.FromSeconds(300);

    public async Task<string> ConnectionStringAsync() =>
        (await App.GetConnectionStringAsync(BazaarCstd.Contracts.ResourceNames.BazaarDb))!;
}

[CollectionDefinition(Name)]
public sealed class DemoAppCollection : ICollectionFixture<DemoAppFixture>
{
    public const string Name = "bazaar-demo-app";
}
