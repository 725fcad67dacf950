namespace BazaarCstd.Contracts.Operations;

/// <summary>A refused line of an import: its line number in the file (the header is line 1) and why.</summary>
public sealed record OperationError(int Line, string Reason);
