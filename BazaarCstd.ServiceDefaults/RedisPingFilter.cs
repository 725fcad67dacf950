using System.Diagnostics;
using OpenTelemetry;

namespace Microsoft.Extensions.Hosting;

/// <summary>
/// Drops Redis <c>PING</c> spans: nothing in BazaarCSTD pings Redis but health checks. The Redis
/// instrumentation writes its spans afterwards from a profiling session, outside the health
/// endpoint's suppressed scope, so the AppHost's probe every few seconds would otherwise leave two
/// orphan <c>PING</c> spans per replica on the Traces page. A span not recorded is not exported.
/// </summary>
internal sealed class RedisPingFilter : BaseProcessor<Activity>
{
    private const string RedisSource = "OpenTelemetry.Instrumentation.StackExchangeRedis";

    public override void OnStart(Activity data)
    {
        if (data.Source.Name == RedisSource && string.Equals(data.DisplayName, "PING", StringComparison.OrdinalIgnoreCase))
        {
            data.IsAllDataRequested = false;
            data.ActivityTraceFlags &= ~ActivityTraceFlags.Recorded;
        }
    }
}
