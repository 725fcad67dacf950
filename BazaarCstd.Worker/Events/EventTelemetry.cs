using System.Diagnostics;
using System.Diagnostics.Metrics;

namespace BazaarCstd.Worker.Events;

/// <summary>
/// The event flow's spans and metrics. Spans: the relay's <c>publish</c> continues the trace of the
/// request whose write raised the event (its <c>traceparent</c> was stored on the outbox row), and a
/// consumer's <c>process</c> continues the publish's (from the message's <c>traceparent</c> header),
/// so the Aspire dashboard shows API → PostgreSQL → RabbitMQ → Worker as one trace.
/// Metrics (meter <see cref="MeterName"/>): events published, outbox lag (age of the oldest
/// unpublished row, seconds), per-queue consumer lag (messages waiting) and dead letters waiting.
/// </summary>
public sealed class EventTelemetry : IDisposable
{
    public const string ActivitySourceName = "BazaarCstd.Worker.Events";
    public const string MeterName = "BazaarCstd.Worker.Events";

    public static readonly ActivitySource ActivitySource = new(ActivitySourceName);

    private readonly Meter _meter = new(MeterName);
    private readonly Counter<long> _published;
    private readonly Counter<long> _unroutable;
    private readonly Histogram<double> _commitToConfirm;
    private double _outboxLagSeconds;
    private long _alertsQueueDepth;
    private long _deadLettersWaiting;

    public EventTelemetry()
    {
        _published = _meter.CreateCounter<long>("bazaar.events.published", "{event}", "Events the relay published and RabbitMQ confirmed.");
        _unroutable = _meter.CreateCounter<long>("bazaar.events.unroutable", "{event}", "Confirmed events no queue was bound for (returned as unroutable).");
        _commitToConfirm = _meter.CreateHistogram<double>("bazaar.events.publish_delay", "s", "From the event's transaction start to RabbitMQ's confirm.");
        _meter.CreateObservableGauge("bazaar.outbox.lag", () => Volatile.Read(ref _outboxLagSeconds), "s", "Age of the oldest unpublished outbox row; 0 when all are published.");
        _meter.CreateObservableGauge("bazaar.alerts.consumer_lag", () => Volatile.Read(ref _alertsQueueDepth), "{message}", "Messages waiting in the alerts queue.");
        _meter.CreateObservableGauge("bazaar.dead_letters.waiting", () => Volatile.Read(ref _deadLettersWaiting), "{message}", "Dead letters not replayed yet.");
    }

    /// <summary>Age of the oldest unpublished event as last seen by this process (the relay or the health check).</summary>
    public TimeSpan OutboxLag => TimeSpan.FromSeconds(Volatile.Read(ref _outboxLagSeconds));

    public void Published(int count) => _published.Add(count);

    public void Unroutable(string routingKey) => _unroutable.Add(1, new KeyValuePair<string, object?>("routing_key", routingKey));

    public void PublishDelay(TimeSpan delay) => _commitToConfirm.Record(delay.TotalSeconds);

    public void SetOutboxLag(TimeSpan lag) => Volatile.Write(ref _outboxLagSeconds, Math.Max(0, lag.TotalSeconds));

    public void SetQueueDepths(long alertsQueue, long deadLettersWaiting)
    {
        Volatile.Write(ref _alertsQueueDepth, alertsQueue);
        Volatile.Write(ref _deadLettersWaiting, deadLettersWaiting);
    }

    /// <summary>
    /// A span with the given W3C parent (from an outbox row or a message header), or a new trace when
    /// there is none (a child of the current activity, if any). When the sampler does not record it,
    /// an unrecorded activity still carries the context, with the sampled flag off: it is what
    /// RabbitMQ.Client's own spans, Npgsql's and the next hop see as current, so they are dropped
    /// too, instead of each starting a trace of its own (a trace is whole or absent).
    /// </summary>
    public static Activity Start(string name, ActivityKind kind, string? traceParent, IEnumerable<ActivityLink>? links = null) =>
        Start(name, kind, ActivityContext.TryParse(traceParent, null, out var parent) ? parent : default, links);

    /// <inheritdoc cref="Start(string, ActivityKind, string?, IEnumerable{ActivityLink}?)"/>
    public static Activity Start(string name, ActivityKind kind, ActivityContext parent, IEnumerable<ActivityLink>? links = null)
    {
        if (parent == default)
        {
            return ActivitySource.StartActivity(name, kind, parentContext: default, links: links) ?? new Activity(name).Start();
        }

        if (ActivitySource.StartActivity(name, kind, parent, links: links) is { } recorded)
        {
            return recorded;
        }

        var unrecorded = new Activity(name);
        unrecorded.SetParentId(parent.TraceId, parent.SpanId, parent.TraceFlags);
        return unrecorded.Start();
    }

    public void Dispose() => _meter.Dispose();
}
