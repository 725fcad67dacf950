namespace BazaarCstd.Contracts.Events;

/// <summary>A message a consumer gave up on (delivered <see cref="Messaging.DeliveryLimit"/> times), as kept for admins.</summary>
public sealed record DeadLetter(
    long Id,
    string? MessageId,
    string Exchange,
    string RoutingKey,
    string Queue,
    string Reason,
    int? DeliveryCount,
    string Body,
    DateTimeOffset DeadLetteredAt,
    DateTimeOffset? ReplayedAt);

/// <summary>Body of <c>POST /api/admin/dead-letters/replay</c>: the dead letters to publish again to their queue.</summary>
public sealed record DeadLetterReplayRequest(IReadOnlyList<long>? Ids);

/// <summary>Answer of a replay: the ids published again (each once, whatever the retries).</summary>
public sealed record DeadLetterReplayResult(IReadOnlyList<long> Replayed);
