using System.Diagnostics;
using System.Text;
using BazaarCstd.Contracts;
using Npgsql;
using RabbitMQ.Client;
using RabbitMQ.Client.Events;

namespace BazaarCstd.Worker.Events;

/// <summary>
/// A consumer of one queue with the delivery rules every Worker consumer follows:
/// <list type="bullet">
/// <item>manual acknowledgements, sent only after <see cref="HandleAsync"/> returned, i.e. after its
/// database transaction committed (handlers record the message id in an inbox in that transaction,
/// so a redelivery is applied once);</item>
/// <item>a database that is down or restarting is not the message's fault: the handler is retried in
/// place with backoff for up to <see cref="TransientRetryBudget"/> before the message is given back,
/// so an outage does not push good messages to the dead-letter queue;</item>
/// <item>any other failure gives the message back (<c>nack</c>, requeue): the quorum queue counts the
/// delivery and dead-letters it after <see cref="Messaging.DeliveryLimit"/> attempts while the
/// messages behind it keep flowing;</item>
/// <item>each message is handled in a span that continues the publisher's trace (<c>traceparent</c>).</item>
/// </list>
/// The channel and consumer are recovered by RabbitMQ.Client's automatic recovery when the broker
/// comes back; a delivery whose ack could not be sent is delivered again and deduplicated.
/// </summary>
public abstract partial class QueueConsumer(IConnection messaging, ILogger logger) : BackgroundService
{
    public static readonly TimeSpan TransientRetryBudget = TimeSpan.FromSeconds(30);

    private IChannel? _channel;

    protected ILogger Logger => logger;

    protected abstract string Queue { get; }

    protected virtual ushort Prefetch => 32;

    /// <summary>Messages handled at once on this replica (RabbitMQ.Client's consumer dispatch concurrency).</summary>
    protected virtual ushort Concurrency => 1;

    /// <summary>Applies one message; throws when it cannot be applied.</summary>
    protected abstract Task HandleAsync(BasicDeliverEventArgs message, Activity? activity, CancellationToken ct);

    /// <summary>
    /// Opens the channel and starts consuming, again every second while the broker is unavailable
    /// (<see cref="BrokerConnection"/>); once consuming, RabbitMQ.Client's recovery brings the
    /// channel and its consumer back after an outage.
    /// </summary>
    protected override Task ExecuteAsync(CancellationToken stoppingToken) =>
        BrokerConnection.UntilDoneAsync(ConsumeAsync, $"opening the {Queue} consumer", logger, stoppingToken);

    private async Task ConsumeAsync(CancellationToken stoppingToken)
    {
        var channel = await messaging.CreateChannelAsync(
            new CreateChannelOptions(publisherConfirmationsEnabled: false, publisherConfirmationTrackingEnabled: false, consumerDispatchConcurrency: Concurrency),
            stoppingToken);
        try
        {
            await channel.BasicQosAsync(0, Prefetch, global: false, stoppingToken);
            _channel = channel;
            var consumer = new AsyncEventingBasicConsumer(channel);
            consumer.ReceivedAsync += (_, message) => OnReceivedAsync(message, stoppingToken);
            await channel.BasicConsumeAsync(Queue, autoAck: false, consumer, stoppingToken);
        }
        catch
        {
            _channel = null;
            await channel.DisposeAsync();
            throw;
        }

        LogConsuming(Queue);
    }

    private async Task OnReceivedAsync(BasicDeliverEventArgs message, CancellationToken ct)
    {
        var channel = _channel!;
        using var activity = EventTelemetry.Start($"{Queue} process", ActivityKind.Consumer, Header(message, Messaging.TraceParentHeader));
        activity.SetTag("messaging.system", "rabbitmq");
        activity.SetTag("messaging.destination.name", Queue);
        activity.SetTag("messaging.message.id", message.BasicProperties.MessageId);
        try
        {
            await HandleWithRetriesAsync(message, activity, ct);
            await channel.BasicAckAsync(message.DeliveryTag, multiple: false, ct);
        }
        catch (OperationCanceledException) when (ct.IsCancellationRequested)
        {
            // Shutting down: unacknowledged, so RabbitMQ delivers it again to whoever is left.
        }
        catch (Exception ex)
        {
            activity.AddException(ex);
            activity.SetStatus(ActivityStatusCode.Error);
            LogGivenBack(ex, Queue, message.BasicProperties.MessageId, message.Redelivered);
            try
            {
                await channel.BasicNackAsync(message.DeliveryTag, multiple: false, requeue: true, ct);
            }
            catch (Exception nackFailed)
            {
                // The channel closed under us; the broker requeues what was not acknowledged.
                LogNackFailed(nackFailed, Queue);
            }
        }
    }

    private async Task HandleWithRetriesAsync(BasicDeliverEventArgs message, Activity? activity, CancellationToken ct)
    {
        var delay = TimeSpan.FromMilliseconds(200);
        var deadline = Stopwatch.StartNew();
        while (true)
        {
            try
            {
                await HandleAsync(message, activity, ct);
                return;
            }
            catch (Exception ex) when (IsTransient(ex) && deadline.Elapsed < TransientRetryBudget && !ct.IsCancellationRequested)
            {
                LogTransient(ex, Queue, delay);
                await Task.Delay(delay, ct);
                delay = TimeSpan.FromTicks(Math.Min(delay.Ticks * 2, TimeSpan.FromSeconds(5).Ticks));
            }
        }
    }

    protected static bool IsTransient(Exception ex) => ex is NpgsqlException { IsTransient: true } or TimeoutException;

    protected static string? Header(BasicDeliverEventArgs message, string name) =>
        message.BasicProperties.Headers?.TryGetValue(name, out var value) == true
            ? value switch { byte[] bytes => Encoding.UTF8.GetString(bytes), string text => text, _ => value?.ToString() }
            : null;

    public override async Task StopAsync(CancellationToken cancellationToken)
    {
        await base.StopAsync(cancellationToken);
        if (_channel is not null)
        {
            try
            {
                await _channel.DisposeAsync();
            }
            catch (Exception)
            {
                // Closing a channel of a dead connection can fail; nothing is lost.
            }
        }
    }

    [LoggerMessage(LogLevel.Information, "Consuming {Queue}")]
    private partial void LogConsuming(string queue);

    [LoggerMessage(LogLevel.Warning, "{Queue}: message {MessageId} (redelivered: {Redelivered}) failed and was given back")]
    private partial void LogGivenBack(Exception exception, string queue, string? messageId, bool redelivered);

    [LoggerMessage(LogLevel.Warning, "{Queue}: the database is unavailable; retrying the message in {Delay}")]
    private partial void LogTransient(Exception exception, string queue, TimeSpan delay);

    [LoggerMessage(LogLevel.Debug, "{Queue}: could not give a message back; the broker requeues it")]
    private partial void LogNackFailed(Exception exception, string queue);
}
