using System.Globalization;
using System.Text;

namespace BazaarCstd.Chaos;

/// <summary>What a run did and found: its figures, its kills, each invariant, and one verdict.</summary>
public sealed record ChaosReport(
    ChaosOptions Options,
    string RunId,
    IReadOnlyList<(string Phase, double Seconds)> Phases,
    int Operations,
    double OperationSeconds,
    IReadOnlyList<KillRecord> Kills,
    IReadOnlyDictionary<string, int> RetriedOn,
    IReadOnlyDictionary<string, string> Examples,
    IReadOnlyList<Invariant> Invariants)
{
    public bool Passed => Invariants.Count > 0 && Invariants.All(i => i.Holds) && Kills.All(k => k.Failure is null);

    public string Verdict => (Passed
        ? $"CHAOS PASSED: all {Invariants.Count} invariants hold after {Operations:N0} operations and {Kills.Count} kills"
        : $"CHAOS FAILED: {Invariants.Count(i => !i.Holds)} of {Invariants.Count} invariants broken, {Kills.Count(k => k.Failure is not null)} of {Kills.Count} restarts failed")
        + (Operations < Options.Operations ? $" (the {Options.DurationCap.TotalSeconds:0} s cap stopped the tills after {Operations:N0} of {Options.Operations:N0} operations)" : "");

    public string Summary() => string.Create(CultureInfo.InvariantCulture,
        $"{Operations:N0} operations by {Options.Clients} tills in {OperationSeconds:0.0} s ({Operations / Math.Max(OperationSeconds, 0.001):0} per second); "
        + $"kills: {string.Join(", ", Kills.GroupBy(k => k.Component).Select(g => $"{g.Key} ×{g.Count()}"))}; "
        + $"retried on: {(RetriedOn.Count == 0 ? "nothing" : string.Join(", ", RetriedOn.OrderByDescending(kv => kv.Value).Select(kv => $"{kv.Key} ×{kv.Value:N0}")))}")
        + string.Concat(Examples.Select(kv => $"; first {kv.Key}: {kv.Value}"));

    public IEnumerable<string> InvariantLines() =>
        Invariants.Select(i => $"[{(i.Holds ? "ok" : "BROKEN")}] {i.Name}: {i.Figures}");

    public string ToMarkdown(string title)
    {
        var md = new StringBuilder();
        md.AppendLine(CultureInfo.InvariantCulture, $"# {title}").AppendLine();
        md.AppendLine(CultureInfo.InvariantCulture, $"**{Verdict}.**").AppendLine();
        md.AppendLine(CultureInfo.InvariantCulture,
            $"Run `{RunId}`: {Options.Operations:N0} operations ({1 - Options.TransferShare - Options.CountShare:P0} sales, {Options.TransferShare:P0} transfers, {Options.CountShare:P0} counts) "
            + $"by {Options.Clients} tills on {Options.Stores} stores × {Options.Products} products ({Options.ScarceShelvesPercent} % of shelves scarce); "
            + $"a kill every {Options.KillEvery.TotalSeconds:0.#} s ± 50 %, each component down up to {Options.MaxDown.TotalSeconds:0.#} s before its start command; "
            + $"load average {File.ReadAllText("/proc/loadavg").Split(' ')[0]} on {Environment.ProcessorCount} cores at the end.").AppendLine();
        md.AppendLine(Summary()).AppendLine();
        md.AppendLine("| phase | seconds |").AppendLine("| --- | ---: |");
        foreach (var (phase, seconds) in Phases)
        {
            md.AppendLine(CultureInfo.InvariantCulture, $"| {phase} | {seconds:0.0} |");
        }

        md.AppendLine().AppendLine("## Invariants").AppendLine().AppendLine("| invariant | holds | figures |").AppendLine("| --- | --- | --- |");
        foreach (var invariant in Invariants)
        {
            md.AppendLine(CultureInfo.InvariantCulture, $"| {invariant.Name} | {(invariant.Holds ? "yes" : "**NO**")} | {invariant.Figures.Replace("|", "\\|", StringComparison.Ordinal)} |");
        }

        md.AppendLine().AppendLine("## Kills").AppendLine().AppendLine("| component | instance | pid | killed at (s) | start command at (s) | healthy at (s) | down (s) | failure |")
            .AppendLine("| --- | --- | ---: | ---: | ---: | ---: | ---: | --- |");
        foreach (var kill in Kills.OrderBy(k => k.KilledAt))
        {
            md.AppendLine(CultureInfo.InvariantCulture,
                $"| {kill.Component} | {kill.Instance} | {kill.Pid} | {kill.KilledAt:0.0} | {kill.StartedAt:0.0} | {kill.HealthyAt:0.0} | {kill.DownSeconds:0.0} | {kill.Failure} |");
        }

        return md.ToString();
    }
}
