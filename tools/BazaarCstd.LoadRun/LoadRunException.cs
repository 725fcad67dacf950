namespace BazaarCstd.LoadRun;

/// <summary>A setup step the API refused; the message says which and why.</summary>
public sealed class LoadRunException(string message) : Exception(message);
