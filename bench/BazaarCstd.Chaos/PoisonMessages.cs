using System.Text;
using BazaarCstd.Contracts;
using BazaarCstd.Contracts.Events;
using RabbitMQ.Client;

namespace BazaarCstd.Chaos;

/// <summary>
/// Deliberate poison: <c>stock.changed</c> messages the alerts consumer cannot read, published with
/// confirms before the first kill. They must be the only dead letters of the run, and all of them
/// must get there (after the queue's delivery limit) whatever was killed meanwhile.
/// </summary>
public static class PoisonMessages
{
    public static async Task<IReadOnlyList<string>> PublishAsync(DistributedApplication app, int count, string runId, CancellationToken ct)
    {
        var factory = new ConnectionFactory { Uri = new Uri((await app.GetConnectionStringAsync(ResourceNames.Messaging, ct))!) };
        await using var connection = await factory.CreateConnectionAsync(ct);
        await using var channel = await connection.CreateChannelAsync(
            new CreateChannelOptions(publisherConfirmationsEnabled: true, publisherConfirmationTrackingEnabled: true), ct);
        var ids = new List<string>();
        for (var i = 0; i < count; i++)
        {
            var id = $"chaos-poison-{runId}-{i}";
            var properties = new BasicProperties { MessageId = id, Persistent = true, ContentType = "application/json" };
            await channel.BasicPublishAsync(Messaging.InventoryExchange, EventTypes.StockChanged, mandatory: true, properties,
                Encoding.UTF8.GetBytes($"{{\"poison\": {i}}}"), ct);
            ids.Add(id);
        }

        return ids;
    }
}
