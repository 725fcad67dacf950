namespace BazaarCstd.Chaos;

/// <summary>
/// One operation a till recorded, as its log line: what it sent (key and body, the same on every
/// attempt), the answer it kept, and the movements that answer named. <see cref="Status"/> is 0
/// when no final answer came before the run's cap.
/// </summary>
public sealed record TillOperation(
    int Index,
    int Till,
    string Kind,
    string Path,
    string Key,
    string Body)
{
    public int Status { get; set; }

    public int Attempts { get; set; }

    /// <summary>The kept answer carried <c>Idempotent-Replayed: true</c> (an earlier attempt had been written).</summary>
    public bool Replayed { get; set; }

    /// <summary>The problem type of a refusal, or the last error of an unanswered operation.</summary>
    public string? Problem { get; set; }

    public IReadOnlyList<long> MovementIds { get; set; } = [];

    /// <summary>Each movement's shelf and signed quantity, as the answer gave them.</summary>
    public IReadOnlyList<ShelfDelta> Deltas { get; set; } = [];

    public bool Succeeded => Status is >= 200 and < 300;

    public bool Refused => Status is >= 400 and < 500;
}

/// <summary>A change of one shelf's on-hand.</summary>
public readonly record struct ShelfDelta(Guid StoreId, Guid ProductId, decimal Delta);
