using System.Diagnostics;
using System.Text;
using System.Text.Json;
using BazaarCstd.IntegrationTests.Infrastructure;

namespace BazaarCstd.IntegrationTests.Bench;

/// <summary>
/// The benchmark's smoke run (issue #15): <c>bench/run.sh --smoke</c> starts its own app (the
/// benchmark measures CPU per process of an app it alone loads, so it cannot share another test's
/// app), seeds 5 stores × 40 products, runs every scenario for 2 s with pgbench and wrk, and checks
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
        var repo = RepositoryRoot();
        var configuration = typeof(BenchSmokeTests).Assembly.Location.Contains("/bin/Release/", StringComparison.Ordinal) ? "Release" : "Debug";
        var results = Directory.CreateTempSubdirectory("bazaar-bench-smoke-");
        try
        {
            var (exitCode, output) = await RunAsync(
                Path.Combine(repo, "bench", "run.sh"), ["--smoke", "--no-build", "--configuration", configuration, "--out", results.FullName]);

            Assert.True(exitCode == 0, $"bench/run.sh --smoke exited {exitCode}:\n{Tail(output)}");
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

    private static async Task<(int ExitCode, string Output)> RunAsync(string script, string[] arguments)
    {
        var start = new ProcessStartInfo("bash") { RedirectStandardOutput = true, RedirectStandardError = true, RedirectStandardInput = true };
        start.ArgumentList.Add(script);
        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        using var process = Process.Start(start)!;
        process.StandardInput.Close();
        var output = new StringBuilder();
        void Append(object _, DataReceivedEventArgs e)
        {
            if (e.Data is not null)
            {
                lock (output)
                {
                    output.AppendLine(e.Data);
                }
            }
        }

        process.OutputDataReceived += Append;
        process.ErrorDataReceived += Append;
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        using var deadline = new CancellationTokenSource(Deadline);
        try
        {
            await process.WaitForExitAsync(deadline.Token);
        }
        catch (OperationCanceledException)
        {
            // run.sh stops its app on SIGTERM (its trap); give it the minute it allows itself.
            Process.Start("kill", ["-TERM", process.Id.ToString(System.Globalization.CultureInfo.InvariantCulture)])!.WaitForExit();
            if (!process.WaitForExit(TimeSpan.FromSeconds(90)))
            {
                process.Kill();
            }

            Assert.Fail($"bench/run.sh --smoke did not finish within {Deadline.TotalMinutes} minutes:\n{Tail(output.ToString())}");
        }

        await process.WaitForExitAsync();
        lock (output)
        {
            return (process.ExitCode, output.ToString());
        }
    }

    private static string Tail(string output) => string.Join('\n', output.Split('\n').TakeLast(40));

    private static string RepositoryRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "BazaarCstd.sln")))
            {
                return dir.FullName;
            }
        }

        throw new InvalidOperationException("BazaarCstd.sln not found above " + AppContext.BaseDirectory);
    }
}

[CollectionDefinition(Name)]
public sealed class BenchSmokeCollection
{
    public const string Name = "bench-smoke";
}
