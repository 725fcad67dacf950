using BazaarCstd.Contracts;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Npgsql;
using OpenTelemetry;
using RabbitMQ.Client;

namespace BazaarCstd.Worker.Events;

/// <summary>
/// Every <see cref="Interval"/>: measures the outbox lag (age of the oldest unpublished event, from
/// the unpublished-rows index), the alerts queue's depth and the dead letters waiting, for the
/// metrics of <see cref="EventTelemetry"/> and the health check. Each replica measures for itself,
/// so a follower reports a stuck leader too.
/// </summary>
public sealed partial class EventFlowMonitor(
    NpgsqlDataSource database,
    IConnection messaging,
    EventTelemetry telemetry,
    TimeProvider clock,
    ILogger<EventFlowMonitor> logger) : BackgroundService
{
    public static readonly TimeSpan Interval = TimeSpan.FromSeconds(5);

    private const string Sql = """
        SELECT coalesce(extract(epoch FROM now() - (SELECT occurred_at FROM bazaar.inventory_events WHERE published_at IS NULL ORDER BY id LIMIT 1)), 0)::float8 AS lag,
               (SELECT count(*) FROM bazaar.dead_letters WHERE replayed_at IS NULL) AS dead_letters
        """;

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(Interval, clock);
        try
        {
            do
            {
                try
                {
                    await MeasureAsync(stoppingToken);
                }
                catch (Exception ex) when (!stoppingToken.IsCancellationRequested)
                {
                    LogMeasureFailed(ex);
                }
            }
            while (await timer.WaitForNextTickAsync(stoppingToken));
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
        }
    }

    private async Task MeasureAsync(CancellationToken ct)
    {
        // A measurement every few seconds per replica is not work anyone looks for on the Traces page.
        using var quiet = SuppressInstrumentationScope.Begin();
        double lag;
        long deadLetters;
        await using (var command = database.CreateCommand(Sql))
        await using (var reader = await command.ExecuteReaderAsync(ct))
        {
            await reader.ReadAsync(ct);
            lag = reader.GetDouble(reader.GetOrdinal("lag"));
            deadLetters = reader.GetInt64(reader.GetOrdinal("dead_letters"));
        }

        telemetry.SetOutboxLag(TimeSpan.FromSeconds(lag));
        long waiting = 0;
        if (messaging.IsOpen)
        {
            await using var channel = await messaging.CreateChannelAsync(cancellationToken: ct);
            waiting = (await channel.QueueDeclarePassiveAsync(Messaging.AlertsQueue, ct)).MessageCount;
        }

        telemetry.SetQueueDepths(waiting, deadLetters);
    }

    [LoggerMessage(LogLevel.Debug, "Measuring the event flow failed; next try in a few seconds")]
    private partial void LogMeasureFailed(Exception exception);
}

/// <summary>
/// <c>Degraded</c> while the oldest unpublished event is older than <see cref="DegradedAfter"/>:
/// the relay is stuck or RabbitMQ has been down that long. Sales still work; subscribers lag.
/// </summary>
public sealed class OutboxLagHealthCheck(EventTelemetry telemetry) : IHealthCheck
{
    public static readonly TimeSpan DegradedAfter = TimeSpan.FromSeconds(30);

    public Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default) =>
        Task.FromResult(telemetry.OutboxLag > DegradedAfter
            ? HealthCheckResult.Degraded($"The oldest unpublished event is {telemetry.OutboxLag.TotalSeconds:F0} s old.")
            : HealthCheckResult.Healthy());
}
