using System.Diagnostics;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Diagnostics.HealthChecks;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Console;
using OpenTelemetry;
using OpenTelemetry.Metrics;
using OpenTelemetry.Trace;

namespace Microsoft.Extensions.Hosting;

/// <summary>
/// Cross-cutting defaults every BazaarCSTD service shares: telemetry, health checks, service
/// discovery, resilient HttpClients and RFC 9457 problem details. No business code lives here.
/// </summary>
public static class Extensions
{
    private const string HealthEndpointPath = "/health";
    private const string AlivenessEndpointPath = "/alive";

    // Activity sources and meters of the client libraries the services use; the Aspire client
    // integrations register some of them too, adding a source twice is harmless.
    private static readonly string[] TracingSources =
    [
        "Npgsql",
        "RabbitMQ.Client.Publisher",
        "RabbitMQ.Client.Subscriber",
        "OpenTelemetry.Instrumentation.StackExchangeRedis",
        "BazaarCstd",
    ];

    private static readonly string[] Meters = ["Npgsql", "BazaarCstd"];

    /// <summary>
    /// Set by the integration tests only: their apps have no OTLP endpoint, so each recorded span is
    /// written to the console instead, where the tests read it (<see cref="ConsoleSpanWriter"/>).
    /// </summary>
    public const string SpansToConsoleKey = "Bazaar:Telemetry:SpansToConsole";

    /// <summary>
    /// How many new traces a second each service process records (<see cref="RateLimitedSampler"/>);
    /// 0 records every one. Spans of a recorded trace are always recorded, across services.
    /// </summary>
    public const string TracesPerSecondKey = "Bazaar:Telemetry:TracesPerSecond";

    /// <summary>
    /// The default of <see cref="TracesPerSecondKey"/>: more than a person clicking makes. At 20, the
    /// dashboard's ingestion cost 0.8–1.0 ms of CPU per sale under 64-client sales; at 5, 0.3–0.35
    /// (docs/decisions.md, "A clean start").
    /// </summary>
    public const double DefaultTracesPerSecond = 5;

    private const int MinimumWorkerThreads = 16;

    public static TBuilder AddServiceDefaults<TBuilder>(this TBuilder builder) where TBuilder : IHostApplicationBuilder
    {
        // On two cores the thread pool starts with two workers and adds about one per half second,
        // so during a start's burst (JIT, first connections, first probes) a Redis PING with its 1 s
        // timeout waited behind queued work items and the first health check failed. StackExchange.Redis
        // recommends a higher minimum; idle threads cost nothing.
        ThreadPool.GetMinThreads(out var workers, out var io);
        ThreadPool.SetMinThreads(Math.Max(workers, MinimumWorkerThreads), io);

        builder.ConfigureOpenTelemetry();
        builder.AddDefaultHealthChecks();

        // Errors to stderr: the AppHost, its dashboard and the tests' log then show them as errors
        // rather than as ordinary output among the information lines.
        builder.Services.Configure<ConsoleLoggerOptions>(console => console.LogToStandardErrorThreshold = LogLevel.Error);

        builder.Services.AddServiceDiscovery();
        builder.Services.ConfigureHttpClientDefaults(http =>
        {
            http.AddStandardResilienceHandler();
            http.AddServiceDiscovery();
        });

        builder.Services.AddProblemDetails(options =>
            options.CustomizeProblemDetails = context =>
            {
                var traceId = Activity.Current?.Id ?? context.HttpContext.TraceIdentifier;
                context.ProblemDetails.Extensions.TryAdd("traceId", traceId);
            });

        return builder;
    }

    public static TBuilder ConfigureOpenTelemetry<TBuilder>(this TBuilder builder) where TBuilder : IHostApplicationBuilder
    {
        builder.Logging.AddOpenTelemetry(logging =>
        {
            logging.IncludeFormattedMessage = true;
            logging.IncludeScopes = true;
        });

        builder.Services.AddOpenTelemetry()
            .WithMetrics(metrics => metrics
                .AddAspNetCoreInstrumentation()
                .AddHttpClientInstrumentation()
                .AddRuntimeInstrumentation()
                .AddMeter(Meters))
            .WithTracing(tracing => tracing
                .AddSource(builder.Environment.ApplicationName)
                .AddSource(TracingSources)
                .AddAspNetCoreInstrumentation(options =>
                    // Health probes every few seconds would drown the traces that matter.
                    options.Filter = context =>
                        !context.Request.Path.StartsWithSegments(HealthEndpointPath)
                        && !context.Request.Path.StartsWithSegments(AlivenessEndpointPath))
                .AddHttpClientInstrumentation()
                .AddProcessor(new RedisPingFilter()));

        var tracesPerSecond = builder.Configuration.GetValue(TracesPerSecondKey, DefaultTracesPerSecond);
        if (tracesPerSecond > 0)
        {
            builder.Services.ConfigureOpenTelemetryTracerProvider(tracing =>
                tracing.SetSampler(new ParentBasedSampler(new RateLimitedSampler(tracesPerSecond, TimeProvider.System))));
        }

        if (!string.IsNullOrWhiteSpace(builder.Configuration["OTEL_EXPORTER_OTLP_ENDPOINT"]))
        {
            builder.Services.AddOpenTelemetry().UseOtlpExporter();
        }

        if (builder.Configuration.GetValue<bool>(SpansToConsoleKey))
        {
            builder.Services.ConfigureOpenTelemetryTracerProvider(tracing => tracing.AddProcessor(new ConsoleSpanWriter()));
        }

        return builder;
    }

    public static TBuilder AddDefaultHealthChecks<TBuilder>(this TBuilder builder) where TBuilder : IHostApplicationBuilder
    {
        builder.Services.AddHealthChecks()
            .AddCheck("self", () => HealthCheckResult.Healthy(), ["live"]);

        return builder;
    }

    /// <summary>
    /// Maps <c>/health</c> (every check must pass: ready for traffic) and <c>/alive</c> (the process
    /// answers). Mapped in every environment: load balancers and the AppHost probe them. The
    /// responses carry only the overall status, never check details.
    /// </summary>
    public static WebApplication MapDefaultEndpoints(this WebApplication app)
    {
        // Probes answer without a token: orchestrators and load balancers carry none.
        app.MapHealthChecks(HealthEndpointPath).AllowAnonymous().AsProbe();
        app.MapHealthChecks(AlivenessEndpointPath, new HealthCheckOptions
        {
            Predicate = r => r.Tags.Contains("live")
        }).AllowAnonymous().AsProbe();

        return app;
    }

    /// <summary>
    /// What a probe endpoint needs beyond the health check middleware:
    /// <list type="bullet">
    /// <item>The checks run to the end even when the caller stops waiting. The first probe of a
    /// replica still warming up (first connections, EF Core's model, JIT on two busy cores) can take
    /// longer than the AppHost's probe waits; the aborted request would cancel every check in progress,
    /// and each would be logged "Unhealthy" at Error although every dependency is fine. Finishing them
    /// costs at most their own timeouts; a dependency really down is still reported at Error.</item>
    /// <item>No spans for anything the checks do. The tracing filter above already leaves the probe's
    /// own request span unrecorded, so a span made later as its child is dropped by the parent-based
    /// sampler; suppressing instrumentation while the checks run also stops the spans they would start
    /// (Npgsql's <c>SELECT 1</c>, the RabbitMQ connect), whatever check is added later. Redis spans
    /// escape both (see <see cref="RedisPingFilter"/>).</item>
    /// </list>
    /// </summary>
    private static IEndpointConventionBuilder AsProbe(this IEndpointConventionBuilder endpoint)
    {
        endpoint.Add(builder =>
        {
            var inner = builder.RequestDelegate ?? throw new InvalidOperationException($"{builder.DisplayName} has no request delegate.");
            builder.RequestDelegate = async context =>
            {
                context.RequestAborted = CancellationToken.None;
                using var suppressed = SuppressInstrumentationScope.Begin();
                await inner(context);
            };
        });

        return endpoint;
    }
}
