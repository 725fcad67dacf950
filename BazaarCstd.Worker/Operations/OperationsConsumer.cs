using System.Diagnostics;
using System.Text.Json;
using BazaarCstd.Contracts.Events;
using BazaarCstd.Contracts.Operations;
using BazaarCstd.Worker.Events;
using RabbitMQ.Client;
using RabbitMQ.Client.Events;

namespace BazaarCstd.Worker.Operations;

/// <summary>
/// Processes the operations queued in <see cref="OperationMessaging.Queue"/> (an <c>operation.queued</c>
/// outbox event per accepted upload). One message is one whole operation, run by
/// <see cref="ImportRunner"/> and acknowledged once it is finished; a Worker that dies mid-file
/// leaves the message unacknowledged, RabbitMQ gives it to a replica still alive (or to this one
/// after its restart), and the run resumes at the operation's progress mark. A message naming no
/// operation is poison: it fails until the queue dead-letters it.
/// </summary>
public sealed partial class OperationsConsumer(
    ImportRunner runner,
    IConnection messaging,
    ILogger<OperationsConsumer> logger) : QueueConsumer(messaging, logger)
{
    private static readonly JsonSerializerOptions s_json = new(JsonSerializerDefaults.Web);

    protected override string Queue => OperationMessaging.Queue;

    /// <summary>Two files at once per replica: an import is long, and its chunks are the database's work.</summary>
    protected override ushort Concurrency => 2;

    /// <summary>
    /// No more than it works on: a replica must not hold queued files back while it is busy, when
    /// another replica is idle.
    /// </summary>
    protected override ushort Prefetch => Concurrency;

    protected override async Task HandleAsync(BasicDeliverEventArgs message, Activity? activity, CancellationToken ct)
    {
        var operationId = Parse(message.Body);
        activity?.SetTag("bazaar.operation.id", operationId);
        if (!await runner.RunAsync(operationId, ct))
        {
            throw new InvalidDataException($"No operation {operationId}.");
        }
    }

    private static Guid Parse(ReadOnlyMemory<byte> body)
    {
        try
        {
            var @event = JsonSerializer.Deserialize<InventoryEvent>(body.Span, s_json);
            if (@event is { Type: OperationMessaging.QueuedEvent } && @event.Payload.TryGetProperty("operationId", out var id) && id.TryGetGuid(out var operationId))
            {
                return operationId;
            }
        }
        catch (JsonException ex)
        {
            throw new InvalidDataException("The message is not an operation event.", ex);
        }

        throw new InvalidDataException("The message is not an operation.queued event with an operationId.");
    }
}
