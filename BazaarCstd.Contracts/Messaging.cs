namespace BazaarCstd.Contracts;

/// <summary>
/// RabbitMQ names of the event flow. The Worker declares them on start; its relay publishes every row
/// of <c>bazaar.inventory_events</c> to <see cref="InventoryExchange"/> with the event type as routing
/// key (<see cref="Events.EventTypes"/>); its consumers read their own quorum queues.
/// </summary>
public static class Messaging
{
    /// <summary>Topic exchange every inventory event is published to; the routing key is the event type.</summary>
    public const string InventoryExchange = "bazaar.inventory";

    /// <summary>The alerts consumer's quorum queue, bound to <c>stock.changed</c> and <c>threshold.changed</c>.</summary>
    public const string AlertsQueue = "bazaar.alerts";

    /// <summary>Fanout exchange and durable queue for messages a consumer has given up on.</summary>
    public const string DeadLetterExchange = "bazaar.inventory.dlx";
    public const string DeadLetterQueue = "bazaar.inventory.dlq";

    /// <summary>Deliveries of one message (the first and four more) before a quorum queue dead-letters it.</summary>
    public const int DeliveryLimit = 5;

    /// <summary>AMQP header carrying the W3C trace context of the request that caused the event.</summary>
    public const string TraceParentHeader = "traceparent";
}
