using Xunit.Abstractions;
using Xunit.Sdk;

[assembly: TestCollectionOrderer(BazaarCstd.IntegrationTests.Infrastructure.AppStartOrder.TypeName, BazaarCstd.IntegrationTests.Infrastructure.AppStartOrder.AssemblyName)]

namespace BazaarCstd.IntegrationTests.Infrastructure;

/// <summary>
/// The order of the test collections (they run one after another): the shared app's first, the
/// chaos app's last. <c>test.sh</c> runs the browser tests beside this assembly for its first minutes;
/// the chaos tests (a 50,000-row import, broker and Worker kills) are the heaviest work here, and on
/// two cores they took twice as long while the browser tests ran. Otherwise xUnit's own order.
/// </summary>
public sealed class AppStartOrder : ITestCollectionOrderer
{
    public const string TypeName = "BazaarCstd.IntegrationTests.Infrastructure.AppStartOrder";
    public const string AssemblyName = "BazaarCstd.IntegrationTests";

    public IEnumerable<ITestCollection> OrderTestCollections(IEnumerable<ITestCollection> testCollections) =>
        testCollections.OrderBy(c => c.DisplayName == BazaarAppCollection.Name ? 0
            : c.DisplayName.Contains("EventChaosTests", StringComparison.Ordinal) ? 2
            : 1);
}
