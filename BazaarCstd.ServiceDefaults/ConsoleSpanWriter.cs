using System.Diagnostics;
using OpenTelemetry;

namespace Microsoft.Extensions.Hosting;

/// <summary>
/// Writes one line per recorded span to standard output: what an exporter would have sent. Only the
/// integration tests switch it on (<see cref="Extensions.SpansToConsoleKey"/>), to see which spans a
/// request leaves in an app that has no OTLP endpoint.
/// </summary>
internal sealed class ConsoleSpanWriter : BaseProcessor<Activity>
{
    public const string Prefix = "[span]";

    public override void OnEnd(Activity data)
    {
        // Exporters send recorded spans only; a span dropped by a filter or sampler is not one.
        if (data.Recorded)
        {
            Console.WriteLine(
                $"{Prefix} source={data.Source.Name} name=\"{data.DisplayName}\" trace={data.TraceId} span={data.SpanId} parent={data.ParentSpanId} path={data.GetTagItem("url.path")}");
        }
    }
}
