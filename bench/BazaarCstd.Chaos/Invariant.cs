namespace BazaarCstd.Chaos;

/// <summary>One checked invariant: whether it holds, and the figures that say so.</summary>
public sealed record Invariant(string Name, bool Holds, string Figures);
