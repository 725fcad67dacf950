using System.Diagnostics;
using System.Text;
using System.Text.Json;
using BazaarCstd.Contracts;
using Npgsql;
using NpgsqlTypes;
using RabbitMQ.Client;
using RabbitMQ.Client.Events;

namespace BazaarCstd.Worker.Events;

/// <summary>
/// Moves what RabbitMQ dead-lettered (<see cref="Messaging.DeadLetterQueue"/>) into
/// <c>bazaar.dead_letters</c>, where admins read and replay it through the API
/// (<c>/api/admin/dead-letters</c>): the original queue, routing key and reason come from the
/// <c>x-death</c> header RabbitMQ adds. Acknowledged after the insert committed; a crash in between
/// keeps the message in the queue and, at worst, stores it twice.
/// </summary>
public sealed partial class DeadLetterKeeper(
    NpgsqlDataSource database,
    IConnection messaging,
    ILogger<DeadLetterKeeper> logger) : QueueConsumer(messaging, logger)
{
    private const string InsertSql = """
        INSERT INTO bazaar.dead_letters (message_id, exchange, routing_key, queue, reason, delivery_count, headers, body)
        VALUES ($1, $2, $3, $4, $5, $6, $7::jsonb, $8)
        """;

    protected override string Queue => Messaging.DeadLetterQueue;

    protected override async Task HandleAsync(BasicDeliverEventArgs message, Activity? activity, CancellationToken ct)
    {
        var death = FirstDeath(message.BasicProperties.Headers);
        await using var command = database.CreateCommand(InsertSql);
        command.Parameters.Add(new NpgsqlParameter { Value = (object?)message.BasicProperties.MessageId ?? DBNull.Value, NpgsqlDbType = NpgsqlDbType.Text });
        command.Parameters.Add(new NpgsqlParameter { Value = death.Exchange ?? message.Exchange });
        command.Parameters.Add(new NpgsqlParameter { Value = death.RoutingKey ?? message.RoutingKey });
        command.Parameters.Add(new NpgsqlParameter { Value = death.Queue ?? "" });
        command.Parameters.Add(new NpgsqlParameter { Value = death.Reason ?? "unknown" });
        command.Parameters.Add(new NpgsqlParameter { Value = (object?)death.Count ?? DBNull.Value, NpgsqlDbType = NpgsqlDbType.Integer });
        command.Parameters.Add(new NpgsqlParameter { Value = HeadersJson(message.BasicProperties.Headers) });
        command.Parameters.Add(new NpgsqlParameter { Value = message.Body.ToArray() });
        await command.ExecuteNonQueryAsync(ct);
        LogKept(Logger, message.BasicProperties.MessageId, death.Queue, death.Reason);
    }

    private sealed record Death(string? Queue, string? Exchange, string? RoutingKey, string? Reason, int? Count);

    /// <summary>The oldest entry of <c>x-death</c> (the queue the message first died in).</summary>
    private static Death FirstDeath(IDictionary<string, object?>? headers)
    {
        if (headers?.TryGetValue("x-death", out var value) != true || value is not IList<object> deaths || deaths.Count == 0)
        {
            return new Death(Text(headers, "x-first-death-queue"), Text(headers, "x-first-death-exchange"), null, Text(headers, "x-first-death-reason"), null);
        }

        var death = (IDictionary<string, object?>)deaths[^1]!;
        var routingKeys = death.TryGetValue("routing-keys", out var keys) && keys is IList<object> list && list.Count > 0 ? Decode(list[0]) : null;
        int? count = death.TryGetValue("count", out var c) && c is long n ? (int)n : null;
        return new Death(Decode(Value(death, "queue")), Decode(Value(death, "exchange")), routingKeys, Decode(Value(death, "reason")), count);

        static object? Value(IDictionary<string, object?> table, string key) => table.TryGetValue(key, out var v) ? v : null;
    }

    private static string? Text(IDictionary<string, object?>? headers, string name) =>
        headers?.TryGetValue(name, out var value) == true ? Decode(value) : null;

    private static string? Decode(object? value) => value switch
    {
        byte[] bytes => Encoding.UTF8.GetString(bytes),
        null => null,
        _ => value.ToString(),
    };

    /// <summary>The headers as JSON (AMQP strings arrive as bytes; tables and arrays nest).</summary>
    private static string HeadersJson(IDictionary<string, object?>? headers)
    {
        var buffer = new System.Buffers.ArrayBufferWriter<byte>();
        using (var json = new Utf8JsonWriter(buffer))
        {
            Write(json, headers ?? new Dictionary<string, object?>());
        }

        return Encoding.UTF8.GetString(buffer.WrittenSpan);

        static void Write(Utf8JsonWriter json, object? value)
        {
            switch (value)
            {
                case null:
                    json.WriteNullValue();
                    break;
                case byte[] bytes:
                    json.WriteStringValue(Encoding.UTF8.GetString(bytes));
                    break;
                case IDictionary<string, object?> table:
                    json.WriteStartObject();
                    foreach (var (key, item) in table)
                    {
                        json.WritePropertyName(key);
                        Write(json, item);
                    }

                    json.WriteEndObject();
                    break;
                case IEnumerable<object> items:
                    json.WriteStartArray();
                    foreach (var item in items)
                    {
                        Write(json, item);
                    }

                    json.WriteEndArray();
                    break;
                case bool flag:
                    json.WriteBooleanValue(flag);
                    break;
                case long or int or short or byte or sbyte or ushort or uint:
                    json.WriteNumberValue(Convert.ToInt64(value, System.Globalization.CultureInfo.InvariantCulture));
                    break;
                case AmqpTimestamp timestamp:
                    json.WriteStringValue(DateTimeOffset.FromUnixTimeSeconds(timestamp.UnixTime));
                    break;
                default:
                    json.WriteStringValue(Convert.ToString(value, System.Globalization.CultureInfo.InvariantCulture));
                    break;
            }
        }
    }

    [LoggerMessage(LogLevel.Warning, "Dead letter {MessageId} from queue {Queue} ({Reason}) kept for replay")]
    private static partial void LogKept(ILogger logger, string? messageId, string? queue, string? reason);
}
