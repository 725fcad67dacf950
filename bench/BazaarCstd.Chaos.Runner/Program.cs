using System.Diagnostics;
using System.Globalization;
using BazaarCstd.Chaos;
using BazaarCstd.Contracts;
using BazaarCstd.IntegrationTests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

// The kill -9 chaos run (bench/chaos.sh): starts the app the way the tests do (fresh data root, free
// ports, two API and two Worker replicas), runs ChaosRun on it, prints every invariant with its
// figures and one verdict, writes the report, and exits 1 when an invariant broke.
//   --ops N  --clients N  --stores N  --products N  --kill-every S  --max-down S  --cap S  --smoke
//   --budget S (whole run, app start included; default 570)  --report file.md  --ops-log file.jsonl
var options = new ChaosOptions();
string? reportPath = null;
var budget = TimeSpan.FromSeconds(570);
for (var i = 0; i < args.Length; i++)
{
    string Value() => i + 1 < args.Length ? args[++i] : throw new ArgumentException($"{args[i]} needs a value");
    int Int() => int.Parse(Value(), CultureInfo.InvariantCulture);
    TimeSpan Seconds() => TimeSpan.FromSeconds(double.Parse(Value(), CultureInfo.InvariantCulture));
    if (args[i] == "--report")
    {
        reportPath = Value();
        continue;
    }

    if (args[i] == "--budget")
    {
        budget = Seconds();
        continue;
    }

    options = args[i] switch
    {
        "--smoke" => ChaosOptions.Smoke, // first, so the options after it change it
        "--ops" => options with { Operations = Int() },
        "--clients" => options with { Clients = Int() },
        "--stores" => options with { Stores = Int() },
        "--products" => options with { Products = Int() },
        "--kill-every" => options with { KillEvery = Seconds() },
        "--max-down" => options with { MaxDown = Seconds() },
        "--cap" => options with { DurationCap = Seconds() },
        "--ops-log" => options with { OperationLogPath = Value() },
        var other => throw new ArgumentException($"unknown option {other}"),
    };
}

void Log(string line) => Console.WriteLine($"[chaos] {line}");

var total = Stopwatch.StartNew();
Log($"starting the app (2 API replicas, 2 Worker replicas) on a fresh data root");
await using var runner = await AppHostRunner.StartAsync(
    new Dictionary<string, string> { ["Bazaar:ApiReplicas"] = "2", ["Bazaar:WorkerReplicas"] = "2" },
    configure: builder => builder.Services.AddLogging(logging =>
        // The services' own errors while their neighbours die (and PostgreSQL's log of every refused
        // sale) would bury the run's lines: the invariants say whether anything went wrong.
        logging.AddFilter("BazaarCstd.AppHost.Resources", LogLevel.None)));
var started = total.Elapsed.TotalSeconds;
Log($"app ready in {started:0.0} s");

// The whole run stays within the budget: the tills get what the start left, less a reserve for
// seeding, draining and checking (they stop taking operations at their cap; the report says so).
options = options with { DurationCap = TimeSpan.FromSeconds(Math.Min(options.DurationCap.TotalSeconds, Math.Max(60, budget.TotalSeconds - started - 90))) };
Log($"the tills stop taking operations after {options.DurationCap.TotalSeconds:0} s (budget {budget.TotalSeconds:0} s in all)");

var target = new ChaosTarget(runner.App, runner.DataRoot, (name, ct) => runner.InstancesAsync(name, cancellationToken: ct));
var report = await new ChaosRun(target, options, Log).RunAsync();
var elapsed = total.Elapsed.TotalSeconds;

Console.WriteLine();
Console.WriteLine(report.Summary());
foreach (var line in report.InvariantLines())
{
    Console.WriteLine(line);
}

var verdict = $"{report.Verdict} ({elapsed:0} s in all, app start {started:0} s)";
if (reportPath is not null)
{
    var md = report.ToMarkdown($"Chaos run {DateTimeOffset.UtcNow:yyyy-MM-dd HH:mm} UTC")
        + $"{Environment.NewLine}Whole run {elapsed:0.0} s, the app's start ({started:0.0} s) included, its stop not; "
        + $"every request to {runner.App.GetEndpoint(ResourceNames.Api, "http").Host} (loopback).{Environment.NewLine}";
    await File.WriteAllTextAsync(reportPath, md);
}

Console.WriteLine(verdict);
return report.Passed ? 0 : 1;
