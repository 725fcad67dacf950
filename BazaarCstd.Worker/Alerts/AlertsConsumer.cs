using System.Diagnostics;
using System.Text.Json;
using BazaarCstd.Contracts;
using BazaarCstd.Contracts.Events;
using BazaarCstd.Worker.Events;
using Npgsql;
using RabbitMQ.Client;
using RabbitMQ.Client.Events;

namespace BazaarCstd.Worker.Alerts;

/// <summary>
/// Keeps <c>bazaar.inventory_alerts</c> from the <see cref="Messaging.AlertsQueue"/>
/// (<c>stock.changed</c>, <c>threshold.changed</c>). The whole rule, inbox included, is one call of
/// <c>bazaar.apply_stock_alert</c> (see its file): one transaction, one round trip. A message that
/// is not an event with a store and a product is poison: it fails until the queue dead-letters it.
/// </summary>
public sealed partial class AlertsConsumer(
    NpgsqlDataSource database,
    IConnection messaging,
    ILogger<AlertsConsumer> logger) : QueueConsumer(messaging, logger)
{
    public const string ConsumerName = "alerts";

    private const string ApplySql = "SELECT bazaar.apply_stock_alert($1, $2, $3, $4, $5)";

    private static readonly JsonSerializerOptions s_json = new(JsonSerializerDefaults.Web);

    protected override string Queue => Messaging.AlertsQueue;

    /// <summary>
    /// Eight events at once: each is one round trip to PostgreSQL, so one at a time leaves the
    /// consumer behind a busy chain. Events of one (store, product) serialise on the function's lock,
    /// and the outcome depends only on current stock, so their order does not matter.
    /// </summary>
    protected override ushort Concurrency => 8;

    protected override async Task HandleAsync(BasicDeliverEventArgs message, Activity? activity, CancellationToken ct)
    {
        var @event = Parse(message.Body);
        await using var command = database.CreateCommand(ApplySql);
        command.Parameters.Add(new NpgsqlParameter { Value = ConsumerName });
        command.Parameters.Add(new NpgsqlParameter { Value = @event.Id });
        command.Parameters.Add(new NpgsqlParameter { Value = @event.StoreId!.Value });
        command.Parameters.Add(new NpgsqlParameter { Value = @event.ProductId!.Value });
        command.Parameters.Add(new NpgsqlParameter { Value = (object?)activity?.Id ?? DBNull.Value, NpgsqlDbType = NpgsqlTypes.NpgsqlDbType.Text });
        var outcome = (string)(await command.ExecuteScalarAsync(ct))!;
        activity?.SetTag("bazaar.alert.outcome", outcome);
        if (outcome is not ("none" or "duplicate"))
        {
            LogAlert(Logger, outcome, @event.StoreId.Value, @event.ProductId.Value, @event.Id);
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

    [LoggerMessage(LogLevel.Information, "Alert {Outcome} for store {StoreId}, product {ProductId} (event {EventId})")]
    private static partial void LogAlert(ILogger logger, string outcome, Guid storeId, Guid productId, long eventId);
}
