using System.Runtime.CompilerServices;
using Bunit;

namespace BazaarCstd.Web.Tests.Infrastructure;

/// <summary>
/// bUnit's <c>WaitForAssertion</c>/<c>WaitForState</c> give up after 1 s by default. test.sh runs
/// these tests beside the integration tests on two cores, where a re-render after a feed event once
/// took longer than that (AlertBadgeTests, 2026-12-03). The wait still ends as soon as the
/// assertion holds; only a failing test waits the whole time.
/// </summary>
internal static class WaitTimeouts
{
    [ModuleInitializer]
    internal static void Apply() => BunitContext.DefaultWaitTimeout = TimeSpan.FromSeconds(15);
}
