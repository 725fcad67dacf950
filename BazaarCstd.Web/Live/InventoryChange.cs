namespace BazaarCstd.Web.Live;

/// <summary>
/// That something changed in a store: an invalidation signal, nothing to show. A page that cares
/// fetches the current state through the API as its user, so the API's store scoping stays the only
/// scoping; the message's payload never reaches a page.
/// </summary>
/// <param name="Type">The event type (<see cref="Contracts.Events.EventTypes"/>): <c>stock.changed</c> or <c>alert.*</c>.</param>
public sealed record InventoryChange(string Type, Guid StoreId, Guid? ProductId)
{
    public bool IsStock => Type == Contracts.Events.EventTypes.StockChanged;

    public bool IsAlert => Type.StartsWith("alert.", StringComparison.Ordinal);
}
