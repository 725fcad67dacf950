namespace BazaarCstd.IntegrationTests.Infrastructure;

/// <summary>
/// <c>test.sh</c> runs this assembly in two <c>dotnet test</c> processes. The first runs every test
/// without the <see cref="Trait"/>; the second, after the browser tests are done and once the shared
/// app is up (<see cref="BazaarAppFixture.ReadySignalVariable"/>), runs the collections marked with
/// it: the rate-limit app's and the benchmark's smoke run, beside the shared app's tests. Their apps
/// then start beside no other app's start: the shared app's is held to 60 s, and the browser tests'
/// app starts at the beginning. Run without a filter, the assembly runs everything, in
/// <see cref="AppStartOrder"/>.
/// </summary>
public static class SuiteLanes
{
    public const string Trait = "Lane";

    public const string Second = "second";
}
