namespace BazaarCstd.Contracts.Settings;

/// <summary>
/// The chain-wide stock history freeze: no movement with an <c>occurredAt</c> on or before
/// <see cref="FrozenUntil"/> is accepted (null: nothing is frozen). <see cref="UpdatedAt"/> is when it was last set.
/// </summary>
public sealed record StockFreeze(DateTimeOffset? FrozenUntil, DateTimeOffset UpdatedAt);
