namespace BazaarCstd.Data.Entities;

/// <summary>A store (<c>bazaar.stores</c>); code unique ignoring case.</summary>
public sealed class Store : IVersionedRow
{
    public Guid Id { get; set; }

    public required string Code { get; set; }

    public required string Name { get; set; }

    public required string Timezone { get; set; }

    public string? Address { get; set; }

    public DateTimeOffset CreatedAt { get; private set; }

    public DateTimeOffset UpdatedAt { get; private set; }

    public DateTimeOffset? ArchivedAt { get; set; }

    public uint Version { get; set; }
}
