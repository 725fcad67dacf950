namespace BazaarCstd.Contracts;

/// <summary>RabbitMQ topology shared by the publishers (API outbox relay) and consumers (Worker).</summary>
public static class Messaging
{
    /// <summary>Topic exchange every inventory event is published to; the routing key is the event type.</summary>
    public const string InventoryExchange = "bazaar.inventory";

    /// <summary>Where messages go after their consumer has given up on them.</summary>
    public const string DeadLetterExchange = "bazaar.inventory.dlx";
    public const string DeadLetterQueue = "bazaar.inventory.dlq";
}
