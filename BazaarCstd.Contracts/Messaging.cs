namespace BazaarCstd.Contracts;

/// <summary>
/// RabbitMQ names of the event flow. Today the Worker only declares them on start
/// (<c>MessagingTopology</c>); nothing publishes or consumes yet. The outbox relay that will publish
/// the rows of <c>bazaar.inventory_events</c> here is not built (issue 11).
/// </summary>
public static class Messaging
{
    /// <summary>Topic exchange inventory events are to be published to; the routing key will be the event type.</summary>
    public const string InventoryExchange = "bazaar.inventory";

    /// <summary>Fanout exchange and durable queue for messages a consumer has given up on.</summary>
    public const string DeadLetterExchange = "bazaar.inventory.dlx";
    public const string DeadLetterQueue = "bazaar.inventory.dlq";
}
