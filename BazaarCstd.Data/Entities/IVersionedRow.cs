namespace BazaarCstd.Data.Entities;

/// <summary>A row whose timestamps the database keeps and whose <c>xmin</c> is its version (ETag and concurrency token).</summary>
public interface IVersionedRow
{
    DateTimeOffset CreatedAt { get; }

    /// <summary>Set by the database on every update (<c>touch_updated_at</c>).</summary>
    DateTimeOffset UpdatedAt { get; }

    uint Version { get; }
}
