using System.Collections.Concurrent;
using System.Text.Json;
using BazaarCstd.Contracts;
using BazaarCstd.Contracts.Events;
using RabbitMQ.Client;
using RabbitMQ.Client.Events;

namespace BazaarCstd.IntegrationTests.Infrastructure;

/// <summary>
/// A subscriber of the <c>bazaar.inventory</c> exchange, as another system would be: its own
/// exclusive queue bound with a routing pattern, messages recorded in arrival order.
/// Tests filter by their own stores, so the shared app's other traffic does not disturb them.
/// With a <c>durableQueue</c> name it subscribes as a subscriber that must survive a broker restart
/// would: a durable queue that keeps what arrives while nobody reads it, and a connection that
/// recovers on its own (every second) and consumes again.
/// </summary>
public sealed class EventTap : IAsyncDisposable
{
    private readonly IConnection _connection;
    private readonly IChannel _channel;
    private readonly ConcurrentQueue<Received> _received = new();

    private EventTap(IConnection connection, IChannel channel)
    {
        _connection = connection;
        _channel = channel;
    }

    /// <param name="Arrived">When the tap received it (the test machine's clock, as the services' clocks).</param>
    public sealed record Received(InventoryEvent Event, string? MessageId, string RoutingKey, string? TraceParent, bool Persistent, DateTimeOffset Arrived);

    public IReadOnlyList<Received> All => [.. _received];

    public static async Task<EventTap> StartAsync(DistributedApplication app, string pattern = "#", string? durableQueue = null)
    {
        var factory = new ConnectionFactory
        {
            Uri = new Uri((await app.GetConnectionStringAsync(ResourceNames.Messaging))!),
            NetworkRecoveryInterval = TimeSpan.FromSeconds(1),
        };
        var connection = await factory.CreateConnectionAsync();
        var channel = await connection.CreateChannelAsync();
        var tap = new EventTap(connection, channel);
        var queue = durableQueue is null
            ? await channel.QueueDeclareAsync("", durable: false, exclusive: true, autoDelete: true)
            : await channel.QueueDeclareAsync(durableQueue, durable: true, exclusive: false, autoDelete: false);
        await channel.QueueBindAsync(queue.QueueName, Messaging.InventoryExchange, pattern);
        var consumer = new AsyncEventingBasicConsumer(channel);
        consumer.ReceivedAsync += (_, message) =>
        {
            var @event = JsonSerializer.Deserialize<InventoryEvent>(message.Body.Span, JsonSerializerOptions.Web)!;
            var traceParent = message.BasicProperties.Headers?.TryGetValue(Messaging.TraceParentHeader, out var value) == true && value is byte[] bytes
                ? System.Text.Encoding.UTF8.GetString(bytes) : null;
            tap._received.Enqueue(new Received(@event, message.BasicProperties.MessageId, message.RoutingKey, traceParent, message.BasicProperties.Persistent, DateTimeOffset.UtcNow));
            return Task.CompletedTask;
        };
        await channel.BasicConsumeAsync(queue.QueueName, autoAck: true, consumer);
        return tap;
    }

    /// <summary>What arrived so far for these stores, in arrival order.</summary>
    public List<Received> ForStores(params Guid[] stores) => [.. _received.Where(r => r.Event.StoreId is { } s && stores.Contains(s))];

    public async ValueTask DisposeAsync()
    {
        await _channel.DisposeAsync();
        await _connection.DisposeAsync();
    }
}
