namespace BazaarCstd.Contracts.Events;

/// <summary>The event types of <c>bazaar.inventory_events</c>, also the routing keys on <see cref="Messaging.InventoryExchange"/>.</summary>
public static class EventTypes
{
    /// <summary>A movement changed a (store, product) level. Payload: movementId, batchId, kind, delta, onHand, version, sku, occurredAt.</summary>
    public const string StockChanged = "stock.changed";

    /// <summary>A store's reorder threshold for a product was set. Payload: reorderPoint, reorderQuantity.</summary>
    public const string ThresholdChanged = "threshold.changed";

    /// <summary>An alert opened, changed kind, or resolved. Payload: the alert (<see cref="Alerts.InventoryAlert"/>).</summary>
    public const string AlertOpened = "alert.opened";
    public const string AlertChanged = "alert.changed";
    public const string AlertResolved = "alert.resolved";

    public static readonly IReadOnlyList<string> All = [StockChanged, ThresholdChanged, AlertOpened, AlertChanged, AlertResolved];
}
