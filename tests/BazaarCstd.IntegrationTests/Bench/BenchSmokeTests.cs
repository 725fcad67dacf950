using System.Text.Json;
using BazaarCstd.IntegrationTests.Infrastructure;

namespace BazaarCstd.IntegrationTests.Bench;

/// <summary>
/// The benchmark's smoke run (issue #15): <c>bench/run.sh --smoke</c> starts its own app (the
/// benchmark measures CPU per process of an app it alone loads, so it cannot share another test's
/// app), seeds 5 stores × 40 products, runs every scenario for 1 s with pgbench and wrk, and checks
/// the ledger after. This test runs it on the build <c>./test.sh</c> made and holds it to what a
/// reader of its results relies on. Its collection runs last (<see cref="AppStartOrder"/>): beside
/// the shared app's start it pushed that start past the 60 s <c>ResourceGraphTests</c> holds it to.
/// </summary>
[Collection(BenchSmokeCollection.Name)]
public sealed class BenchSmokeTests
{
    private static readonly TimeSpan Deadline = TimeSpan.FromMinutes(12);

    private static readonly string[] Scenarios =
    [
        "pg-minimal-sale", "pg-ledger-sale", "api-sale-16", "api-sale-64", "api-sale-paced", "pg-ledger-hot", "api-sale-hot",
        "pg-ledger-batch10", "api-batch10", "pg-point-read", "api-point-read", "pg-store-page", "api-store-page", "api-alive",
    ];

    [Fact]
    public async Task The_smoke_run_measures_every_scenario_without_an_error_and_its_ledger_checks_hold()
    {
        var configuration = typeof(BenchSmokeTests).Assembly.Location.Contains("/bin/Release/", StringComparison.Ordinal) ? "Release" : "Debug";
        var results = Directory.CreateTempSubdirectory("bazaar-bench-smoke-");
        try
        {
            var (exitCode, output) = await ExternalCommand.RunAsync("bash",
                [Path.Combine(ExternalCommand.RepositoryRoot, "bench", "run.sh"), "--smoke", "--no-build", "--configuration", configuration, "--out", results.FullName],
                Deadline, "bash is needed.", stopGently: true);

            Assert.True(exitCode == 0, $"bench/run.sh --smoke exited {exitCode}:\n{ExternalCommand.Tail(output)}");
            var json = Assert.Single(results.GetFiles("*-smoke.json"));
            Assert.Single(results.GetFiles("*-smoke.md"));
            using var document = JsonDocument.Parse(await File.ReadAllTextAsync(json.FullName));
            var rows = document.RootElement.GetProperty("scenarios").EnumerateArray()
                .ToDictionary(r => r.GetProperty("name").GetString()!, r => r);
            Assert.Equal(Scenarios.Order(), rows.Keys.Order());
            foreach (var (name, row) in rows)
            {
                Assert.True(row.GetProperty("requests").GetInt64() > 0, $"{name}: no request completed");
                Assert.Equal(0, row.GetProperty("errors").GetInt64());
                Assert.True(row.GetProperty("cpu_ms_per_request").TryGetProperty(name.StartsWith("pg-", StringComparison.Ordinal) ? "postgres" : "api", out var cpu)
                    && cpu.GetDouble() > 0, $"{name}: no CPU measured for the part that served it");
            }

            var checks = document.RootElement.GetProperty("settings").GetProperty("checks");
            Assert.Equal("0", checks.GetProperty("verify_stock_levels() rows (must be 0)").GetString());
            Assert.Equal("0", checks.GetProperty("negative levels (must be 0)").GetString());
        }
        finally
        {
            results.Delete(recursive: true);
        }
    }
}

[CollectionDefinition(Name)]
public sealed class BenchSmokeCollection
{
    public const string Name = "bench-smoke";
}
