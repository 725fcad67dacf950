using System.Diagnostics;
using System.Text.Json;
using BazaarCstd.Contracts;
using BazaarCstd.Api.Infrastructure;
using RabbitMQ.Client;

namespace BazaarCstd.Api.Events;

/// <summary>
/// Publishes dead letters back to the queue they died in, through the default exchange (routing key
/// = queue name), persistent, mandatory, with their MessageId and original headers minus RabbitMQ's
/// death bookkeeping, and waits for every publisher confirm. Anything short of a confirm (a nack,
/// an unroutable message, no broker) is a <see cref="DependencyUnavailableException"/>.
/// </summary>
public sealed class DeadLetterPublisher(IServiceProvider services, ILogger<DeadLetterPublisher> logger)
{
    /// <summary>How long one replay may wait for the broker.</summary>
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(10);

    public sealed record Message(long Id, string? MessageId, string Queue, string HeadersJson, byte[] Body);

    public async Task PublishAsync(IReadOnlyList<Message> messages, CancellationToken ct)
    {
        if (messages.Count == 0)
        {
            return;
        }

        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(ct);
        timeout.CancelAfter(Timeout);
        try
        {
            // Resolved here: the connection is made on first use and throws while the broker is unreachable.
            var connection = services.GetRequiredService<IConnection>();
            await using var channel = await connection.CreateChannelAsync(
                new CreateChannelOptions(publisherConfirmationsEnabled: true, publisherConfirmationTrackingEnabled: true), timeout.Token);
            foreach (var message in messages)
            {
                var headers = Headers(message.HeadersJson);
                var properties = new BasicProperties { Persistent = true, MessageId = message.MessageId, Headers = headers };
                var ambient = Activity.Current;
                try
                {
                    // RabbitMQ's client writes its publishing span's context over the traceparent header.
                    // Under the original context that span, and so the replayed message, stays in the
                    // trace of the change that raised the event, like the relay's first publish.
                    using var original = OriginalTrace(headers);
                    await channel.BasicPublishAsync(exchange: "", routingKey: message.Queue, mandatory: true, properties, message.Body, timeout.Token);
                }
                finally
                {
                    Activity.Current = ambient;
                }

                logger.LogInformation("Replayed dead letter {DeadLetterId} (message {MessageId}) to {Queue}", message.Id, message.MessageId, message.Queue);
            }
        }
        catch (Exception ex) when (ex is not OperationCanceledException || !ct.IsCancellationRequested)
        {
            throw new DependencyUnavailableException(ProblemTypes.MessagingUnavailable, "The messages could not be published.",
                "RabbitMQ did not confirm every message (the broker is unreachable, refused one, or a queue no longer exists). "
                + "Nothing was marked replayed; retry later.", ex);
        }
    }

    /// <summary>An activity that makes the message's own trace context current, or null when it has none.</summary>
    private static Activity? OriginalTrace(Dictionary<string, object?> headers)
    {
        if (headers.GetValueOrDefault(Messaging.TraceParentHeader) is not string traceParent
            || !ActivityContext.TryParse(traceParent, headers.GetValueOrDefault("tracestate") as string, out _))
        {
            return null;
        }

        var activity = new Activity("DeadLetterReplay");
        activity.SetParentId(traceParent);
        if (headers.GetValueOrDefault("tracestate") is string traceState)
        {
            activity.TraceStateString = traceState;
        }

        Activity.Current = null;
        return activity.Start();
    }

    /// <summary>The original headers, without what RabbitMQ adds when it dead-letters (it would count the replay as another death).</summary>
    internal static Dictionary<string, object?> Headers(string json)
    {
        var headers = new Dictionary<string, object?>(StringComparer.Ordinal);
        using var document = JsonDocument.Parse(json);
        if (document.RootElement.ValueKind != JsonValueKind.Object)
        {
            return headers;
        }

        foreach (var header in document.RootElement.EnumerateObject())
        {
            if (header.Name is "x-death" or "x-delivery-count"
                || header.Name.StartsWith("x-first-death-", StringComparison.Ordinal)
                || header.Name.StartsWith("x-last-death-", StringComparison.Ordinal))
            {
                continue;
            }

            headers[header.Name] = Value(header.Value);
        }

        return headers;
    }

    /// <summary>A JSON value as an AMQP field value: strings, whole numbers as long, others as double, booleans, tables and arrays.</summary>
    private static object? Value(JsonElement value) => value.ValueKind switch
    {
        JsonValueKind.String => value.GetString(),
        JsonValueKind.Number => value.TryGetInt64(out var whole) ? whole : value.GetDouble(),
        JsonValueKind.True => true,
        JsonValueKind.False => false,
        JsonValueKind.Object => value.EnumerateObject().ToDictionary(p => p.Name, p => Value(p.Value), StringComparer.Ordinal),
        JsonValueKind.Array => value.EnumerateArray().Select(Value).ToList(),
        _ => null,
    };
}
