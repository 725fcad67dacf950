using System.Diagnostics;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Time.Testing;
using OpenTelemetry.Trace;

namespace BazaarCstd.Tests.Telemetry;

public sealed class RateLimitedSamplerTests
{
    private readonly FakeTimeProvider _clock = new(DateTimeOffset.UtcNow);

    [Fact]
    public void A_burst_keeps_one_seconds_worth_and_the_budget_refills_with_time()
    {
        var sampler = new RateLimitedSampler(20, _clock);

        Assert.Equal(20, Recorded(sampler, 100));

        _clock.Advance(TimeSpan.FromMilliseconds(500));
        Assert.Equal(10, Recorded(sampler, 100));

        // Idle for a minute: still one second's worth, not sixty.
        _clock.Advance(TimeSpan.FromMinutes(1));
        Assert.Equal(20, Recorded(sampler, 100));
    }

    [Fact]
    public void A_steady_load_records_the_rate_and_a_light_one_everything()
    {
        var sampler = new RateLimitedSampler(20, _clock);
        var heavy = 0;
        for (var tick = 0; tick < 100; tick++) // 10 s of 1,000 requests a second
        {
            heavy += Recorded(sampler, 100);
            _clock.Advance(TimeSpan.FromMilliseconds(100));
        }

        Assert.InRange(heavy, 200, 220); // 20 a second, plus the full bucket at the start

        var light = 0;
        for (var tick = 0; tick < 100; tick++) // 10 s of 10 requests a second
        {
            light += Recorded(sampler, 1);
            _clock.Advance(TimeSpan.FromMilliseconds(100));
        }

        Assert.Equal(100, light);
    }

    [Fact]
    public void Under_the_parent_based_sampler_a_child_follows_its_parent_whatever_the_budget()
    {
        var sampler = new ParentBasedSampler(new RateLimitedSampler(1, _clock));
        Assert.Equal(1, Recorded(sampler, 5)); // roots: the budget decides

        var recordedParent = new ActivityContext(ActivityTraceId.CreateRandom(), ActivitySpanId.CreateRandom(), ActivityTraceFlags.Recorded, isRemote: true);
        var droppedParent = new ActivityContext(ActivityTraceId.CreateRandom(), ActivitySpanId.CreateRandom(), ActivityTraceFlags.None, isRemote: true);
        Assert.Equal(SamplingDecision.RecordAndSample, sampler.ShouldSample(Child(recordedParent)).Decision);
        Assert.Equal(SamplingDecision.Drop, sampler.ShouldSample(Child(droppedParent)).Decision);
    }

    private static int Recorded(Sampler sampler, int roots) =>
        Enumerable.Range(0, roots).Count(_ => sampler.ShouldSample(
            new SamplingParameters(default, ActivityTraceId.CreateRandom(), "GET /api/stock/current", ActivityKind.Server)).Decision == SamplingDecision.RecordAndSample);

    private static SamplingParameters Child(ActivityContext parent) =>
        new(parent, parent.TraceId, "POST /api/stock/sale", ActivityKind.Server);
}
