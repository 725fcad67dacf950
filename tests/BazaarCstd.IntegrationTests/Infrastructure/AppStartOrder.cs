using BazaarCstd.IntegrationTests.Security;
using Xunit.Abstractions;
using Xunit.Sdk;

[assembly: TestCollectionOrderer(BazaarCstd.IntegrationTests.Infrastructure.AppStartOrder.TypeName, BazaarCstd.IntegrationTests.Infrastructure.AppStartOrder.AssemblyName)]

namespace BazaarCstd.IntegrationTests.Infrastructure;

/// <summary>
/// The order of the test collections (they run one after another), fixed: xUnit's own order hashes
/// the assembly's path, so it changed with every clone. test.sh runs this assembly in two lanes: the
/// demo app's collection after the browser tests (which start an app of their own at once), the
/// rest beside them. Here the chaos app goes first (its tests have no time budget that a busy
/// machine breaks), so the shared app — whose start <c>ResourceGraphTests</c> holds to 60 s, and
/// which took 86–98 s while the browser tests' app started beside it — starts minutes later, once
/// the browser tests' app is up; the rate-limit app last.
/// </summary>
public sealed class AppStartOrder : ITestCollectionOrderer
{
    public const string TypeName = "BazaarCstd.IntegrationTests.Infrastructure.AppStartOrder";
    public const string AssemblyName = "BazaarCstd.IntegrationTests";

    public IEnumerable<ITestCollection> OrderTestCollections(IEnumerable<ITestCollection> testCollections) =>
        testCollections.OrderBy(c => c.DisplayName switch
        {
            DemoAppCollection.Name => 4,
            RateLimitAppCollection.Name => 3,
            BazaarAppCollection.Name => 2,
            var name when name.Contains("EventChaosTests", StringComparison.Ordinal) => 1,
            _ => 0, // no app of their own
        }).ThenBy(c => c.DisplayName, StringComparer.Ordinal);
}
