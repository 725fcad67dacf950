namespace BazaarCstd.Contracts.Operations;

/// <summary>The states of an operation; the last three are final.</summary>
public static class OperationStatuses
{
    public const string Queued = "queued";
    public const string Running = "running";
    public const string Succeeded = "succeeded";

    /// <summary>Nothing applied: every line refused, or an atomic file with a refused line.</summary>
    public const string Failed = "failed";

    /// <summary>Some lines applied, some refused (see the operation's errors).</summary>
    public const string PartiallyFailed = "partially_failed";

    public static bool IsFinal(string status) => status is Succeeded or Failed or PartiallyFailed;
}
