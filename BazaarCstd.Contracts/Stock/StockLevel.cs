namespace BazaarCstd.Contracts.Stock;

/// <summary>On-hand quantity of one product in one store after a write.</summary>
public sealed record StockLevel(Guid StoreId, Guid ProductId, decimal OnHand, long Version);
