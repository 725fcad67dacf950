using BazaarCstd.IntegrationTests.Security;
using Xunit.Abstractions;
using Xunit.Sdk;

[assembly: TestCollectionOrderer(BazaarCstd.IntegrationTests.Infrastructure.AppStartOrder.TypeName, BazaarCstd.IntegrationTests.Infrastructure.AppStartOrder.AssemblyName)]

namespace BazaarCstd.IntegrationTests.Infrastructure;

/// <summary>
/// The order of the test collections (they run one after another), fixed: xUnit's own order hashes
/// the assembly's path, so it changed with every clone. The shared app starts last: test.sh runs the
/// browser tests, with an app of their own, beside this assembly for its first minutes, and the
/// shared app's start is the one <c>ResourceGraphTests</c> holds to 60 s — it took 86–98 s while the
/// browser tests' app started beside it. The chaos app goes first (its tests have no time budget
/// that a busy machine breaks), then the demo and rate-limit apps, then the shared one, then the
/// benchmark's smoke run (its own app, last so that it starts beside no other).
/// </summary>
public sealed class AppStartOrder : ITestCollectionOrderer
{
    public const string TypeName = "BazaarCstd.IntegrationTests.Infrastructure.AppStartOrder";
    public const string AssemblyName = "BazaarCstd.IntegrationTests";

    public IEnumerable<ITestCollection> OrderTestCollections(IEnumerable<ITestCollection> testCollections) =>
        testCollections.OrderBy(c => c.DisplayName switch
        {
            Bench.BenchSmokeCollection.Name => 5,
            BazaarAppCollection.Name => 4,
            RateLimitAppCollection.Name => 3,
            DemoAppCollection.Name => 2,
            var name when name.Contains("EventChaosTests", StringComparison.Ordinal) => 1,
            _ => 0, // no app of their own
        }).ThenBy(c => c.DisplayName, StringComparer.Ordinal);
}
