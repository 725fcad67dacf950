namespace BazaarCstd.Contracts;

/// <summary>A page of a list; pass <see cref="NextCursor"/> back as <c>cursor</c> for the next one.</summary>
public sealed record Page<T>(IReadOnlyList<T> Items, string? NextCursor);
