namespace BazaarCstd.Contracts.Stores;

public sealed record Store(
    Guid Id,
    string Code,
    string Name,
    string Timezone,
    string? Address,
    DateTimeOffset CreatedAt,
    DateTimeOffset UpdatedAt,
    DateTimeOffset? ArchivedAt);
