using OpenTelemetry.Trace;

namespace Microsoft.Extensions.Hosting;

/// <summary>
/// Records at most <paramref name="tracesPerSecond"/> new traces a second in this process (a token
/// bucket that holds one second's worth, so a quiet process keeps every trace and a burst keeps the
/// first ones) and drops the rest at their root. It runs under a <see cref="ParentBasedSampler"/>
/// (<see cref="Extensions.TracesPerSecondKey"/>): a span whose parent was recorded, here or in the
/// service that sent the <c>traceparent</c>, is recorded, and one whose parent was dropped is
/// dropped, so a trace is whole or absent. At load, each span costs its service the export and the
/// dashboard the ingestion; this bounds both while a developer's clicks are all still there.
/// </summary>
public sealed class RateLimitedSampler(double tracesPerSecond, TimeProvider clock) : Sampler
{
    private readonly double _rate = tracesPerSecond;
    private readonly Lock _gate = new();
    private double _tokens = tracesPerSecond;
    private long _last = clock.GetTimestamp();

    public override SamplingResult ShouldSample(in SamplingParameters samplingParameters)
    {
        lock (_gate)
        {
            var now = clock.GetTimestamp();
            _tokens = Math.Min(_rate, _tokens + (clock.GetElapsedTime(_last, now).TotalSeconds * _rate));
            _last = now;
            if (_tokens >= 1)
            {
                _tokens -= 1;
                return new SamplingResult(SamplingDecision.RecordAndSample);
            }
        }

        return new SamplingResult(SamplingDecision.Drop);
    }
}
