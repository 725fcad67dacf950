using System.Diagnostics;
using System.Text;
using System.Text.Json;
using BazaarCstd.Contracts;
using BazaarCstd.Contracts.Events;
using Npgsql;
using OpenTelemetry;
using RabbitMQ.Client;
using RabbitMQ.Client.Exceptions;

namespace BazaarCstd.Worker.Events;

/// <summary>
/// The outbox relay: publishes every row of <c>bazaar.inventory_events</c> to the
/// <see cref="Messaging.InventoryExchange"/> topic exchange and marks it published only after
/// RabbitMQ confirmed it.
/// <list type="bullet">
/// <item><b>One active relay.</b> Each replica holds a session advisory lock on its own connection
/// while it relays; the others try every <see cref="FollowerRetry"/>. A <c>kill -9</c> closes the
/// holder's socket, PostgreSQL ends its session and releases the lock, and a follower takes over
/// within that interval. The leader reads and marks rows on the lock's connection, so a relay that
/// lost its session cannot mark anything.</item>
/// <item><b>Nothing skipped.</b> It reads the rows still unpublished (a partial index), not
/// "ids above the last one": a transaction that took an early id and committed late is simply found
/// on a later pass.</item>
/// <item><b>Order.</b> Rows go out in id order on one channel. For one (store, product) id order is
/// commit order: the ledger writes the event while it holds the row lock on that level, which it
/// keeps until commit. When a publish fails, only the confirmed prefix is marked and the rest is
/// sent again in order: duplicates are possible (same <c>MessageId</c>), reordering is not.</item>
/// <item><b>Wake-up without NOTIFY</b> (a NOTIFY in every write transaction serialises commits):
/// it drains back to back while rows come, and polls every <see cref="IdlePoll"/> when idle.</item>
/// <item><b>Quiet when idle.</b> The leadership attempts, the unlock and the polls leave no spans
/// (instrumentation suppressed): ten empty polls a second would bury real work on the dashboard's
/// Traces page. A batch that publishes is one <c>outbox relay</c> trace holding the marking; each
/// message's publish span continues the trace of the request that wrote its event, or, when no
/// request did (an import's lines), starts its own, linked to the batch.</item>
/// <item><b>Unroutable</b> messages (mandatory, returned because no queue is bound for the routing
/// key) are counted and marked published: an event type nobody subscribes to is not an error,
/// and the row stays readable through <c>GET /api/inventory/events</c>.</item>
/// </list>
/// </summary>
public sealed partial class OutboxRelay(
    NpgsqlDataSource database,
    IConnection messaging,
    EventTelemetry telemetry,
    TimeProvider clock,
    ILogger<OutboxRelay> logger) : BackgroundService
{
    public const int BatchSize = 500;
    public static readonly TimeSpan IdlePoll = TimeSpan.FromMilliseconds(100);
    public static readonly TimeSpan FollowerRetry = TimeSpan.FromSeconds(1);
    private static readonly TimeSpan FailureBackoff = TimeSpan.FromSeconds(1);

    /// <summary>
    /// How long a batch's confirms may take before its unconfirmed rows count as failed and go again
    /// on a fresh channel. RabbitMQ.Client 7.2.2 can leave a publish waiting for its confirm forever
    /// after the broker restarts (rabbitmq-dotnet-client#1930; its API leaves the timeout to the
    /// caller's token): a relay stuck so keeps its lock, and no replica publishes again (bench/chaos.sh,
    /// 2026-12-04: 8,669 events unpublished two minutes after the broker was back). A batch of 500
    /// is confirmed in well under a second here.
    /// </summary>
    public static readonly TimeSpan ConfirmTimeout = TimeSpan.FromSeconds(30);

    private const string LeadershipSql = "SELECT pg_try_advisory_lock(hashtextextended('bazaar.outbox-relay', 0))";

    private const string UnlockSql = "SELECT pg_advisory_unlock(hashtextextended('bazaar.outbox-relay', 0))";

    private const string UnpublishedSql = """
        SELECT id, type, store_id, product_id, payload::text AS payload, occurred_at, trace_parent
        FROM bazaar.inventory_events
        WHERE published_at IS NULL
        ORDER BY id
        LIMIT $1
        """;

    private const string MarkPublishedSql = "UPDATE bazaar.inventory_events SET published_at = now() WHERE id = ANY($1) AND published_at IS NULL";

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                await using var session = await database.OpenConnectionAsync(stoppingToken);
                if (!await TryLeadAsync(session, stoppingToken))
                {
                    await Task.Delay(FollowerRetry, clock, stoppingToken);
                    continue;
                }

                LogLeading();
                try
                {
                    await RelayWhileLeadingAsync(session, stoppingToken);
                }
                finally
                {
                    await StepDownAsync(session);
                }
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                return;
            }
            catch (Exception ex)
            {
                // The database went away (the lock with it) or something unexpected: start over.
                LogRelayFailed(ex, FailureBackoff);
                await DelayQuietly(FailureBackoff, stoppingToken);
            }
        }
    }

    private static async Task<bool> TryLeadAsync(NpgsqlConnection session, CancellationToken ct)
    {
        using var quiet = SuppressInstrumentationScope.Begin();
        await using var command = new NpgsqlCommand(LeadershipSql, session);
        return (bool)(await command.ExecuteScalarAsync(ct))!;
    }

    /// <summary>
    /// Releases the lock before the connection goes back to the pool: a pooled connection keeps its
    /// session (no reset on return), and a lock left on an idle one would keep every replica from relaying.
    /// </summary>
    private async Task StepDownAsync(NpgsqlConnection session)
    {
        if (session.State != System.Data.ConnectionState.Open)
        {
            return; // a broken connection's session is gone, and its lock with it
        }

        try
        {
            using var quiet = SuppressInstrumentationScope.Begin();
            await using var command = new NpgsqlCommand(UnlockSql, session);
            await command.ExecuteScalarAsync(CancellationToken.None);
        }
        catch (Exception)
        {
            // Pooled connections keep their session (Program.cs), so a lock left on this one would stay
            // held: empty the pool instead, which closes this connection for good when it is returned.
            database.Clear();
        }
    }

    private async Task RelayWhileLeadingAsync(NpgsqlConnection session, CancellationToken ct)
    {
        IChannel? channel = null;
        try
        {
            while (!ct.IsCancellationRequested)
            {
                var batch = await ReadUnpublishedAsync(session, ct);
                if (batch.Count == 0)
                {
                        await Task.Delay(IdlePoll, clock, ct);
                    continue;
                }

                using var activity = EventTelemetry.ActivitySource.StartActivity("outbox relay", ActivityKind.Internal, parentContext: default);
                activity?.SetTag("bazaar.outbox.batch_size", batch.Count);
                channel ??= await messaging.CreateChannelAsync(new CreateChannelOptions(
                    publisherConfirmationsEnabled: true, publisherConfirmationTrackingEnabled: true), ct);

                int confirmed;
                using (var confirmWindow = CancellationTokenSource.CreateLinkedTokenSource(ct))
                {
                    confirmWindow.CancelAfter(ConfirmTimeout);
                    confirmed = await PublishAsync(channel, batch, confirmWindow.Token, ct);
                }

                if (confirmed > 0)
                {
                    await MarkPublishedAsync(session, batch.Take(confirmed).Select(e => e.Id).ToArray(), ct);
                    telemetry.Published(confirmed);
                }

                if (confirmed < batch.Count)
                {
                    // RabbitMQ is down or refused a message: start again from the first unconfirmed
                    // row on a fresh channel once it is back.
                    await DisposeQuietly(channel);
                    channel = null;
                    await Task.Delay(FailureBackoff, clock, ct);
                }
            }
        }
        finally
        {
            await DisposeQuietly(channel);
        }
    }

    private static async Task<List<OutboxRow>> ReadUnpublishedAsync(NpgsqlConnection session, CancellationToken ct)
    {
        using var quiet = SuppressInstrumentationScope.Begin();
        await using var command = new NpgsqlCommand(UnpublishedSql, session) { Parameters = { new() { Value = BatchSize } } };
        await using var reader = await command.ExecuteReaderAsync(ct);
        var rows = new List<OutboxRow>(BatchSize);
        while (await reader.ReadAsync(ct))
        {
            rows.Add(new OutboxRow(
                reader.GetInt64(reader.GetOrdinal("id")),
                reader.GetString(reader.GetOrdinal("type")),
                reader.IsDBNull(reader.GetOrdinal("store_id")) ? null : reader.GetGuid(reader.GetOrdinal("store_id")),
                reader.IsDBNull(reader.GetOrdinal("product_id")) ? null : reader.GetGuid(reader.GetOrdinal("product_id")),
                reader.GetString(reader.GetOrdinal("payload")),
                reader.GetFieldValue<DateTimeOffset>(reader.GetOrdinal("occurred_at")),
                reader.IsDBNull(reader.GetOrdinal("trace_parent")) ? null : reader.GetString(reader.GetOrdinal("trace_parent"))));
        }

        return rows;
    }

    /// <summary>Publishes the batch in order, confirms pipelined; returns how many rows from the start are confirmed.</summary>
    /// <param name="publishing">Ends the wait for confirms (<see cref="ConfirmTimeout"/>, or the Worker stopping).</param>
    /// <param name="ct">The Worker stopping.</param>
    private async Task<int> PublishAsync(IChannel channel, List<OutboxRow> batch, CancellationToken publishing, CancellationToken ct)
    {
        var publishes = new List<Task>(batch.Count);
        foreach (var row in batch)
        {
            publishes.Add(PublishOneAsync(channel, row, publishing));
        }

        var confirmed = 0;
        for (var i = 0; i < publishes.Count; i++)
        {
            try
            {
                await publishes[i];
                confirmed = i == confirmed ? i + 1 : confirmed;
            }
            catch (PublishReturnException returned)
            {
                // Confirmed by the broker although no queue took it: delivered as far as pub/sub goes.
                telemetry.Unroutable(returned.RoutingKey);
                LogUnroutable(batch[i].Id, returned.RoutingKey);
                confirmed = i == confirmed ? i + 1 : confirmed;
            }
            catch (Exception ex) when (ex is not OperationCanceledException || !ct.IsCancellationRequested)
            {
                if (i == confirmed)
                {
                    LogPublishFailed(ex, batch[i].Id, batch.Count - i);
                }
            }
        }

        var now = clock.GetUtcNow();
        foreach (var row in batch.Take(confirmed))
        {
            telemetry.PublishDelay(now - row.OccurredAt);
        }

        return confirmed;
    }

    private async Task PublishOneAsync(IChannel channel, OutboxRow row, CancellationToken ct)
    {
        // An event no request wrote (an import's lines, the demo seeder) starts a trace of its own,
        // linked to the batch, under the sampler's budget: as children of the batch's span, the few
        // batches sampled during an import carried every message in them (~3,500 spans a trace; the
        // dashboard's CPU per imported line fell by over 90 % without: decisions, "A clean start").
        // Activity.Current set here stays in this async method.
        ActivityLink[]? links = null;
        if (row.TraceParent is null && Activity.Current is { } batchSpan)
        {
            links = [new ActivityLink(batchSpan.Context)];
            Activity.Current = null;
        }

        using var activity = EventTelemetry.Start($"{Messaging.InventoryExchange} publish", ActivityKind.Producer, row.TraceParent, links);
        activity.SetTag("messaging.system", "rabbitmq");
        activity.SetTag("messaging.destination.name", Messaging.InventoryExchange);
        activity.SetTag("messaging.rabbitmq.destination.routing_key", row.Type);
        activity.SetTag("messaging.message.id", row.Id.ToString(System.Globalization.CultureInfo.InvariantCulture));

        var properties = new BasicProperties
        {
            MessageId = row.Id.ToString(System.Globalization.CultureInfo.InvariantCulture),
            Type = row.Type,
            ContentType = "application/json",
            DeliveryMode = DeliveryModes.Persistent,
            Timestamp = new AmqpTimestamp(row.OccurredAt.ToUnixTimeSeconds()),
            // Recorded or not, the span carries the trace context on (EventTelemetry.Start).
            Headers = new Dictionary<string, object?> { [Messaging.TraceParentHeader] = activity.Id },
        };

        var body = Body(row);
        try
        {
            await channel.BasicPublishAsync(Messaging.InventoryExchange, row.Type, mandatory: true, properties, body, ct);
        }
        catch (Exception ex) when (ex is not PublishReturnException)
        {
            activity.AddException(ex);
            activity.SetStatus(ActivityStatusCode.Error);
            throw;
        }
    }

    /// <summary>The message body: <see cref="InventoryEvent"/> as JSON, the stored payload copied as it is.</summary>
    private static byte[] Body(OutboxRow row)
    {
        var buffer = new System.Buffers.ArrayBufferWriter<byte>(256 + row.Payload.Length);
        using (var json = new Utf8JsonWriter(buffer))
        {
            json.WriteStartObject();
            json.WriteNumber("id", row.Id);
            json.WriteString("type", row.Type);
            WriteGuid(json, "storeId", row.StoreId);
            WriteGuid(json, "productId", row.ProductId);
            json.WriteString("occurredAt", row.OccurredAt);
            json.WritePropertyName("payload");
            json.WriteRawValue(row.Payload, skipInputValidation: true);
            json.WriteEndObject();
        }

        return buffer.WrittenSpan.ToArray();

        static void WriteGuid(Utf8JsonWriter json, string name, Guid? value)
        {
            if (value is { } id)
            {
                json.WriteString(name, id);
            }
            else
            {
                json.WriteNull(name);
            }
        }
    }

    private static async Task MarkPublishedAsync(NpgsqlConnection session, long[] ids, CancellationToken ct)
    {
        await using var command = new NpgsqlCommand(MarkPublishedSql, session) { Parameters = { new() { Value = ids } } };
        await command.ExecuteNonQueryAsync(ct);
    }

    private async Task DelayQuietly(TimeSpan delay, CancellationToken ct)
    {
        try
        {
            await Task.Delay(delay, clock, ct);
        }
        catch (OperationCanceledException)
        {
        }
    }

    private static async Task DisposeQuietly(IChannel? channel)
    {
        if (channel is null)
        {
            return;
        }

        try
        {
            await channel.DisposeAsync();
        }
        catch (Exception)
        {
            // A channel of a dead connection may refuse to close; it is gone either way.
        }
    }

    private sealed record OutboxRow(long Id, string Type, Guid? StoreId, Guid? ProductId, string Payload, DateTimeOffset OccurredAt, string? TraceParent);

    [LoggerMessage(LogLevel.Information, "This worker is now the active outbox relay")]
    private partial void LogLeading();

    [LoggerMessage(LogLevel.Warning, "Publishing event {EventId} failed; it and the {Count} after it stay unpublished and are sent again")]
    private partial void LogPublishFailed(Exception exception, long eventId, int count);

    [LoggerMessage(LogLevel.Debug, "Event {EventId} ({RoutingKey}) reached no queue")]
    private partial void LogUnroutable(long eventId, string routingKey);

    [LoggerMessage(LogLevel.Warning, "The outbox relay stopped; retrying in {Delay}")]
    private partial void LogRelayFailed(Exception exception, TimeSpan delay);
}
