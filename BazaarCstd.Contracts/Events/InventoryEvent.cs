using System.Text.Json;

namespace BazaarCstd.Contracts.Events;

/// <summary>
/// One row of the outbox: the body of the message the relay publishes (its <c>MessageId</c> is
/// <see cref="Id"/>) and an item of <c>GET /api/inventory/events</c>.
/// </summary>
public sealed record InventoryEvent(
    long Id,
    string Type,
    Guid? StoreId,
    Guid? ProductId,
    DateTimeOffset OccurredAt,
    JsonElement Payload);
