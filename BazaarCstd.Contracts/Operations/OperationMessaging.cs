namespace BazaarCstd.Contracts.Operations;

/// <summary>
/// How an accepted upload reaches the Worker: the upload's transaction writes an
/// <see cref="QueuedEvent"/> row into the outbox, the relay publishes it to
/// <see cref="Messaging.InventoryExchange"/>, and the quorum queue <see cref="Queue"/> (bound to
/// that routing key) feeds the Worker's operations consumer. Payload: <c>{ "operationId" }</c>.
/// </summary>
public static class OperationMessaging
{
    public const string Queue = "bazaar.operations";

    public const string QueuedEvent = "operation.queued";
}
