namespace BazaarCstd.Contracts.Stock;

/// <summary>What a single-movement write returns: the movement and the level it left.</summary>
public sealed record MovementResult(Movement Movement, StockLevel Level);

/// <summary>What a batch or transfer returns: every movement and every level it left, in request order.</summary>
public sealed record DocumentResult(Guid BatchId, IReadOnlyList<Movement> Movements, IReadOnlyList<StockLevel> Levels);

/// <summary>What a count returns; <see cref="Movement"/> is null (and adjustment 0) when the count matched.</summary>
public sealed record CountResult(Movement? Movement, decimal Adjustment, StockLevel Level);
