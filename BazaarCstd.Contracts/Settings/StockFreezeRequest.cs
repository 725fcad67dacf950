using System.Text.Json.Serialization;

namespace BazaarCstd.Contracts.Settings;

/// <summary>
/// Sets or lifts the freeze. <see cref="FrozenUntil"/> must be present: null lifts it, so a
/// misspelt member cannot lift it by accident.
/// </summary>
public sealed record StockFreezeRequest([property: JsonRequired] DateTimeOffset? FrozenUntil);
