using System.Text.Json;
using BazaarCstd.Contracts;
using BazaarCstd.Contracts.Events;
using RabbitMQ.Client;
using RabbitMQ.Client.Events;

namespace BazaarCstd.Web.Live;

/// <summary>
/// This Web instance's subscription to <see cref="Messaging.InventoryExchange"/>: its own
/// server-named, exclusive, auto-delete queue bound to <c>stock.changed</c> and <c>alert.*</c>, so
/// every Web replica hears every change (a shared queue would hand each message to one of them) and
/// nothing piles up for an instance that is gone. Messages are acknowledged on receipt: a missed one
/// only means a page shows a number until its next refresh.
/// <para>
/// The connection recovers by itself after a broker restart (RabbitMQ.Client's automatic recovery):
/// it declares a new server-named queue, binds it again and consumes from it; the new name is logged.
/// </para>
/// </summary>
public sealed partial class InventoryEventListener(IServiceProvider services, InventoryChangeFeed feed, ILogger<InventoryEventListener> logger)
    : BackgroundService
{
    public static readonly IReadOnlyList<string> Bindings = [EventTypes.StockChanged, "alert.*"];

    private IConnection? _connection;

    /// <summary>Subscribed, and the connection to the broker is open (false while it recovers).</summary>
    public bool IsListening => _connection?.IsOpen == true;

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        // Connect in the background: the dashboard serves pages without live updates until then.
        await Task.Yield();
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                await SubscribeAsync(stoppingToken);
                return;
            }
            catch (Exception ex) when (!stoppingToken.IsCancellationRequested)
            {
                LogSubscribeFailed(ex);
                await Task.Delay(TimeSpan.FromSeconds(2), stoppingToken);
            }
        }
    }

    private async Task SubscribeAsync(CancellationToken ct)
    {
        var connection = services.GetRequiredService<IConnection>();
        connection.QueueNameChangedAfterRecoveryAsync += (_, e) =>
        {
            LogQueueRedeclared(e.NameBefore, e.NameAfter);
            return Task.CompletedTask;
        };

        // The channel lives as long as the connection (the host disposes it); recovery reopens it.
        var channel = await connection.CreateChannelAsync(cancellationToken: ct);
        // The Worker declares the exchange too; declaring it here (same arguments, idempotent) lets the
        // Web bind even when it starts first.
        await channel.ExchangeDeclareAsync(Messaging.InventoryExchange, ExchangeType.Topic, durable: true, autoDelete: false, cancellationToken: ct);
        var queue = await channel.QueueDeclareAsync("", durable: false, exclusive: true, autoDelete: true, cancellationToken: ct);
        foreach (var binding in Bindings)
        {
            await channel.QueueBindAsync(queue.QueueName, Messaging.InventoryExchange, binding, cancellationToken: ct);
        }

        var consumer = new AsyncEventingBasicConsumer(channel);
        consumer.ReceivedAsync += (_, message) =>
        {
            if (Read(message.Body.Span) is { } change)
            {
                feed.Publish(change);
            }

            return Task.CompletedTask;
        };
        await channel.BasicConsumeAsync(queue.QueueName, autoAck: true, consumer, ct);
        _connection = connection;
        LogSubscribed(Messaging.InventoryExchange, queue.QueueName);
    }

    /// <summary>The change a message announces, or null when it names no store (or is not an event).</summary>
    public static InventoryChange? Read(ReadOnlySpan<byte> body)
    {
        try
        {
            var @event = JsonSerializer.Deserialize<InventoryEvent>(body, JsonSerializerOptions.Web);
            return @event is { StoreId: { } store, Type: { } type } ? new InventoryChange(type, store, @event.ProductId) : null;
        }
        catch (JsonException)
        {
            return null;
        }
    }

    [LoggerMessage(LogLevel.Information, "Live updates: subscribed to {Exchange} through queue {Queue}")]
    private partial void LogSubscribed(string exchange, string queue);

    [LoggerMessage(LogLevel.Information, "Live updates: after the broker came back, queue {Before} was declared again as {After}")]
    private partial void LogQueueRedeclared(string before, string after);

    [LoggerMessage(LogLevel.Warning, "Live updates: could not subscribe to RabbitMQ yet; trying again in 2 s")]
    private partial void LogSubscribeFailed(Exception exception);
}
