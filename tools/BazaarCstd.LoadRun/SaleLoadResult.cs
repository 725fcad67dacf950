using System.Globalization;

namespace BazaarCstd.LoadRun;

/// <summary>What phase A measured. <see cref="LatenciesMs"/> is sorted and holds the measured window only.</summary>
public sealed record SaleLoadResult(int Clients, double WindowSeconds, long MeasuredSales, long TotalSales, long Errors, double[] LatenciesMs)
{
    public double SalesPerSecond => MeasuredSales / WindowSeconds;

    /// <summary>Nearest-rank percentile of the sorted latencies; 0 when nothing was measured.</summary>
    public double Percentile(double p) =>
        LatenciesMs.Length == 0 ? 0 : LatenciesMs[Math.Clamp((int)Math.Ceiling(p / 100 * LatenciesMs.Length) - 1, 0, LatenciesMs.Length - 1)];

    public IEnumerable<(string Key, string Value)> ToKeyValues()
    {
        static string F(double value) => value.ToString("0.00", CultureInfo.InvariantCulture);

        yield return ("api_clients", Clients.ToString(CultureInfo.InvariantCulture));
        yield return ("api_window_s", F(WindowSeconds));
        yield return ("api_measured_sales", MeasuredSales.ToString(CultureInfo.InvariantCulture));
        yield return ("api_total_sales", TotalSales.ToString(CultureInfo.InvariantCulture));
        yield return ("api_errors", Errors.ToString(CultureInfo.InvariantCulture));
        yield return ("api_sales_per_s", F(SalesPerSecond));
        yield return ("api_latency_mean_ms", F(LatenciesMs.Length == 0 ? 0 : LatenciesMs.Average()));
        yield return ("api_latency_p50_ms", F(Percentile(50)));
        yield return ("api_latency_p95_ms", F(Percentile(95)));
        yield return ("api_latency_p99_ms", F(Percentile(99)));
        yield return ("api_latency_max_ms", F(LatenciesMs.Length == 0 ? 0 : LatenciesMs[^1]));
    }
}
