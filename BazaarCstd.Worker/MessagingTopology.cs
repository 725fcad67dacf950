using BazaarCstd.Contracts;
using BazaarCstd.Contracts.Events;
using BazaarCstd.Contracts.Operations;
using RabbitMQ.Client;

namespace BazaarCstd.Worker;

/// <summary>
/// On start, before the relay and the consumers: declares the RabbitMQ topology of the event flow.
/// Declarations are idempotent, so every worker replica runs this.
/// <list type="bullet">
/// <item><see cref="Messaging.InventoryExchange"/>: durable topic exchange, routing key = event type.</item>
/// <item><see cref="Messaging.AlertsQueue"/>: a quorum queue (replicated, delivery counting) bound to
/// <c>stock.changed</c> and <c>threshold.changed</c>. After <see cref="Messaging.DeliveryLimit"/>
/// deliveries a message is dead-lettered at least once (<c>dead-letter-strategy</c>, which needs
/// <c>overflow=reject-publish</c>: a full queue refuses new messages, the relay keeps them in the
/// outbox and retries, instead of dropping the oldest).</item>
/// <item><see cref="OperationMessaging.Queue"/>: a quorum queue with the same arguments, bound to
/// <c>operation.queued</c>: the uploads the Worker's operations consumer processes.</item>
/// <item><see cref="Messaging.DeadLetterExchange"/> (fanout) into <see cref="Messaging.DeadLetterQueue"/>.</item>
/// </list>
/// </summary>
public sealed partial class MessagingTopology(IConnection messaging, ILogger<MessagingTopology> logger) : IHostedService
{
    /// <summary>Most messages the alerts queue holds before it refuses more (back-pressure on the relay).</summary>
    public const int AlertsQueueMaxLength = 1_000_000;

    /// <summary>Declares the topology, again every second while the broker is unavailable (<see cref="BrokerConnection"/>).</summary>
    public Task StartAsync(CancellationToken cancellationToken) =>
        BrokerConnection.UntilDoneAsync(DeclareAsync, "declaring the topology", logger, cancellationToken);

    private async Task DeclareAsync(CancellationToken cancellationToken)
    {
        await using var channel = await messaging.CreateChannelAsync(cancellationToken: cancellationToken);
        await channel.ExchangeDeclareAsync(Messaging.InventoryExchange, ExchangeType.Topic, durable: true, autoDelete: false, cancellationToken: cancellationToken);
        await channel.ExchangeDeclareAsync(Messaging.DeadLetterExchange, ExchangeType.Fanout, durable: true, autoDelete: false, cancellationToken: cancellationToken);
        await channel.QueueDeclareAsync(Messaging.DeadLetterQueue, durable: true, exclusive: false, autoDelete: false, cancellationToken: cancellationToken);
        await channel.QueueBindAsync(Messaging.DeadLetterQueue, Messaging.DeadLetterExchange, routingKey: "", cancellationToken: cancellationToken);

        await channel.QueueDeclareAsync(Messaging.AlertsQueue, durable: true, exclusive: false, autoDelete: false, QuorumQueueArguments(), cancellationToken: cancellationToken);
        foreach (var type in new[] { EventTypes.StockChanged, EventTypes.ThresholdChanged })
        {
            await channel.QueueBindAsync(Messaging.AlertsQueue, Messaging.InventoryExchange, type, cancellationToken: cancellationToken);
        }

        await channel.QueueDeclareAsync(OperationMessaging.Queue, durable: true, exclusive: false, autoDelete: false, QuorumQueueArguments(), cancellationToken: cancellationToken);
        await channel.QueueBindAsync(OperationMessaging.Queue, Messaging.InventoryExchange, OperationMessaging.QueuedEvent, cancellationToken: cancellationToken);

        LogMessagingReady(Messaging.InventoryExchange, Messaging.AlertsQueue);
        LogMessagingReady(Messaging.InventoryExchange, OperationMessaging.Queue);
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    /// <summary>The arguments of every consumer queue (a redeclaration with other arguments is refused by the broker).</summary>
    public static Dictionary<string, object?> QuorumQueueArguments() => new()
    {
        ["x-queue-type"] = "quorum",
        // RabbitMQ dead-letters a message returned MORE often than the limit: 4 returns allowed = 5 deliveries.
        ["x-delivery-limit"] = Messaging.DeliveryLimit - 1,
        ["x-dead-letter-exchange"] = Messaging.DeadLetterExchange,
        ["x-dead-letter-strategy"] = "at-least-once",
        ["x-overflow"] = "reject-publish",
        ["x-max-length"] = AlertsQueueMaxLength,
    };

    [LoggerMessage(LogLevel.Information, "RabbitMQ topology declared (exchange {Exchange}, queue {Queue})")]
    private partial void LogMessagingReady(string exchange, string queue);
}
