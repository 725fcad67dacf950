using System.Diagnostics;
using System.Text.Json;
using System.Threading.Channels;
using BazaarCstd.Contracts;
using BazaarCstd.Contracts.Events;
using BazaarCstd.Worker.Events;
using Npgsql;
using RabbitMQ.Client;
using RabbitMQ.Client.Events;

namespace BazaarCstd.Worker.Alerts;

/// <summary>
/// Keeps <c>bazaar.inventory_alerts</c> from the <see cref="Messaging.AlertsQueue"/>
/// (<c>stock.changed</c>, <c>threshold.changed</c>). Messages are handled at once (up to
/// <see cref="Concurrency"/>); each hands its event to one loop that applies what has arrived, up to
/// <see cref="MaxBatch"/> events, in one transaction and round trip (<c>bazaar.apply_stock_alerts</c>:
/// inbox, the pairs' locks in one order, one evaluation per pair; see its file). A message is
/// acknowledged once its batch committed, as before. When a batch fails for anything but an
/// unavailable database, its events are applied one by one (<c>bazaar.apply_stock_alert</c>), so one
/// bad event fails only its own message. A message that is not an event with a store and a product
/// is poison: it fails until the queue dead-letters it.
/// </summary>
public sealed partial class AlertsConsumer(
    NpgsqlDataSource database,
    IConnection messaging,
    ILogger<AlertsConsumer> logger) : QueueConsumer(messaging, logger)
{
    public const string ConsumerName = "alerts";

    /// <summary>Most events one transaction applies.</summary>
    public const int MaxBatch = 64;

    private const string ApplyOneSql = "SELECT bazaar.apply_stock_alert($1, $2, $3, $4, $5)";
    private const string ApplyBatchSql = "SELECT event_id, outcome FROM bazaar.apply_stock_alerts($1, $2, $3, $4, $5)";

    private static readonly JsonSerializerOptions s_json = new(JsonSerializerDefaults.Web);

    private readonly Channel<Pending> _pending = Channel.CreateUnbounded<Pending>(new UnboundedChannelOptions { SingleReader = true });

    protected override string Queue => Messaging.AlertsQueue;

    /// <summary>Enough messages in hand for a batch to form while the one before commits.</summary>
    protected override ushort Prefetch => 2 * MaxBatch;

    /// <summary>A handler mostly waits for its batch, so every message in hand may wait at once.</summary>
    protected override ushort Concurrency => MaxBatch;

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        _ = Task.Run(() => ApplyBatchesAsync(stoppingToken), CancellationToken.None);
        await base.ExecuteAsync(stoppingToken);
    }

    protected override async Task HandleAsync(BasicDeliverEventArgs message, Activity? activity, CancellationToken ct)
    {
        var pending = new Pending(Parse(message.Body), activity?.Id);
        _pending.Writer.TryWrite(pending);
        var outcome = await pending.Outcome.Task.WaitAsync(ct);
        activity?.SetTag("bazaar.alert.outcome", outcome);
        if (outcome is not ("none" or "duplicate"))
        {
            LogAlert(Logger, outcome, pending.Event.StoreId!.Value, pending.Event.ProductId!.Value, pending.Event.Id);
        }
    }

    /// <summary>Takes what has arrived (at least one event, at most <see cref="MaxBatch"/>) and applies it; until the Worker stops.</summary>
    private async Task ApplyBatchesAsync(CancellationToken ct)
    {
        var batch = new List<Pending>(MaxBatch);
        try
        {
            while (await _pending.Reader.WaitToReadAsync(ct))
            {
                while (batch.Count < MaxBatch && _pending.Reader.TryRead(out var next))
                {
                    batch.Add(next);
                }

                await ApplyAsync(batch, ct);
                batch.Clear();
            }
        }
        catch (OperationCanceledException) when (ct.IsCancellationRequested)
        {
            // Stopping: whatever was not applied stays unacknowledged and is delivered again.
        }
        finally
        {
            foreach (var pending in batch)
            {
                pending.Outcome.TrySetCanceled(ct);
            }

            while (_pending.Reader.TryRead(out var left))
            {
                left.Outcome.TrySetCanceled(ct);
            }
        }
    }

    private async Task ApplyAsync(List<Pending> batch, CancellationToken ct)
    {
        using var span = StartApplySpan(batch);
        if (batch.Count == 1)
        {
            await ApplyOneAsync(batch[0], ct);
            return;
        }

        try
        {
            var outcomes = await ApplyBatchAsync(batch, ct);
            foreach (var pending in batch)
            {
                pending.Outcome.TrySetResult(outcomes[pending.Event.Id]);
            }
        }
        catch (Exception ex) when (IsTransient(ex) || ct.IsCancellationRequested)
        {
            // Each message's own retry (QueueConsumer) hands its event in again after its backoff.
            foreach (var pending in batch)
            {
                pending.Outcome.TrySetException(ex);
            }
        }
        catch (Exception ex)
        {
            LogBatchFailed(ex, batch.Count);
            foreach (var pending in batch)
            {
                await ApplyOneAsync(pending, ct);
            }
        }
    }

    /// <summary>
    /// The span the batch's database work runs in: in the trace of one of its events (a recorded one
    /// when there is one), linked to the other recorded ones. Never a trace of its own: the batch
    /// loop has no current activity, and Npgsql's span of each batch was a one-span trace on the
    /// dashboard, apart from the sale it came from.
    /// </summary>
    private static Activity StartApplySpan(List<Pending> batch)
    {
        var contexts = new List<ActivityContext>(batch.Count);
        foreach (var pending in batch)
        {
            if (ActivityContext.TryParse(pending.TraceParent, null, out var context))
            {
                contexts.Add(context);
            }
        }

        var recorded = contexts.Where(c => c.TraceFlags.HasFlag(ActivityTraceFlags.Recorded)).ToList();
        var parent = recorded.Count > 0 ? recorded[0] : contexts.FirstOrDefault();
        var span = EventTelemetry.Start($"{Messaging.AlertsQueue} apply", ActivityKind.Internal, parent,
            recorded.Skip(1).Select(c => new ActivityLink(c)));
        span.SetTag("bazaar.alerts.batch_size", batch.Count);
        return span;
    }

    private async Task<Dictionary<long, string>> ApplyBatchAsync(List<Pending> batch, CancellationToken ct)
    {
        await using var command = database.CreateCommand(ApplyBatchSql);
        command.Parameters.Add(new NpgsqlParameter { Value = ConsumerName });
        command.Parameters.Add(new NpgsqlParameter { Value = batch.Select(p => p.Event.Id).ToArray() });
        command.Parameters.Add(new NpgsqlParameter { Value = batch.Select(p => p.Event.StoreId!.Value).ToArray() });
        command.Parameters.Add(new NpgsqlParameter { Value = batch.Select(p => p.Event.ProductId!.Value).ToArray() });
        command.Parameters.Add(new NpgsqlParameter
        {
            Value = batch.Select(p => p.TraceParent ?? "").ToArray(),
            NpgsqlDbType = NpgsqlTypes.NpgsqlDbType.Array | NpgsqlTypes.NpgsqlDbType.Text,
        });
        var outcomes = new Dictionary<long, string>(batch.Count);
        await using var reader = await command.ExecuteReaderAsync(ct);
        while (await reader.ReadAsync(ct))
        {
            outcomes[reader.GetInt64(0)] = reader.GetString(1);
        }

        return outcomes;
    }

    private async Task ApplyOneAsync(Pending pending, CancellationToken ct)
    {
        try
        {
            await using var command = database.CreateCommand(ApplyOneSql);
            command.Parameters.Add(new NpgsqlParameter { Value = ConsumerName });
            command.Parameters.Add(new NpgsqlParameter { Value = pending.Event.Id });
            command.Parameters.Add(new NpgsqlParameter { Value = pending.Event.StoreId!.Value });
            command.Parameters.Add(new NpgsqlParameter { Value = pending.Event.ProductId!.Value });
            command.Parameters.Add(new NpgsqlParameter { Value = (object?)pending.TraceParent ?? DBNull.Value, NpgsqlDbType = NpgsqlTypes.NpgsqlDbType.Text });
            pending.Outcome.TrySetResult((string)(await command.ExecuteScalarAsync(ct))!);
        }
        catch (Exception ex)
        {
            pending.Outcome.TrySetException(ex);
        }
    }

    private static InventoryEvent Parse(ReadOnlyMemory<byte> body)
    {
        InventoryEvent? @event;
        try
        {
            @event = JsonSerializer.Deserialize<InventoryEvent>(body.Span, s_json);
        }
        catch (JsonException ex)
        {
            throw new InvalidDataException("The message is not an inventory event.", ex);
        }

        return @event is { Id: > 0, StoreId: not null, ProductId: not null }
            ? @event
            : throw new InvalidDataException("The message is not an inventory event with an id, a store and a product.");
    }

    /// <summary>An event handed to the batch loop, the consumer span its alert event continues, and its outcome once applied.</summary>
    private sealed record Pending(InventoryEvent Event, string? TraceParent)
    {
        public TaskCompletionSource<string> Outcome { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);
    }

    [LoggerMessage(LogLevel.Information, "Alert {Outcome} for store {StoreId}, product {ProductId} (event {EventId})")]
    private static partial void LogAlert(ILogger logger, string outcome, Guid storeId, Guid productId, long eventId);

    [LoggerMessage(LogLevel.Warning, "A batch of {Count} alert events failed; applying them one by one")]
    private partial void LogBatchFailed(Exception exception, int count);
}
