using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using BazaarCstd.Contracts;
using BazaarCstd.Contracts.Events;
using RabbitMQ.Client;
using RabbitMQ.Client.Events;

namespace BazaarCstd.LoadRun;

/// <summary>
/// A subscriber of <c>bazaar.inventory</c> (its own exclusive queue, <c>stock.changed</c>) that
/// measures, for one store's events, the delay from the writing transaction's start (the event's
/// <c>occurredAt</c>, PostgreSQL's <c>now()</c>) to arrival here: commit → relay → RabbitMQ →
/// consumer. Runs beside <c>sales</c> for the same store.
/// </summary>
public static class EventWatch
{
    public static async Task<IEnumerable<(string Key, string Value)>> RunAsync(Uri amqp, Guid store, TimeSpan duration)
    {
        if (!amqp.IsLoopback)
        {
            throw new LoadRunException($"--amqp must be a loopback address; '{amqp}' is not.");
        }

        var factory = new ConnectionFactory { Uri = amqp };
        await using var connection = await factory.CreateConnectionAsync();
        await using var channel = await connection.CreateChannelAsync();
        var queue = await channel.QueueDeclareAsync("", durable: false, exclusive: true, autoDelete: true);
        await channel.QueueBindAsync(queue.QueueName, Messaging.InventoryExchange, EventTypes.StockChanged);
        var delays = new ConcurrentQueue<double>();
        var ids = new ConcurrentDictionary<long, byte>();
        var consumer = new AsyncEventingBasicConsumer(channel);
        consumer.ReceivedAsync += (_, message) =>
        {
            var arrived = DateTimeOffset.UtcNow;
            var @event = JsonSerializer.Deserialize<InventoryEvent>(message.Body.Span, JsonSerializerOptions.Web);
            if (@event?.StoreId == store && ids.TryAdd(@event.Id, 0))
            {
                delays.Enqueue((arrived - @event.OccurredAt).TotalMilliseconds);
            }

            return Task.CompletedTask;
        };
        await channel.BasicConsumeAsync(queue.QueueName, autoAck: true, consumer);
        Console.Error.WriteLine($"events: watching store {store} for {duration.TotalSeconds:0} s");
        var clock = Stopwatch.StartNew();
        await Task.Delay(duration);
        var window = clock.Elapsed.TotalSeconds;

        var sorted = delays.Order().ToArray();
        double P(double p) => sorted.Length == 0 ? 0 : sorted[Math.Clamp((int)Math.Ceiling(p / 100 * sorted.Length) - 1, 0, sorted.Length - 1)];
        static string F(double value) => value.ToString("0.00", CultureInfo.InvariantCulture);
        return
        [
            ("events_received", sorted.Length.ToString(CultureInfo.InvariantCulture)),
            ("events_per_s", F(sorted.Length / window)),
            ("event_delay_p50_ms", F(P(50))),
            ("event_delay_p95_ms", F(P(95))),
            ("event_delay_p99_ms", F(P(99))),
            ("event_delay_max_ms", F(sorted.Length == 0 ? 0 : sorted[^1])),
        ];
    }
}
