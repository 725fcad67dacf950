namespace BazaarCstd.Chaos;

/// <summary>The run's own stores and products (nothing else in the database is looked at), and what each shelf was stocked with.</summary>
public sealed record ChaosDataset(
    IReadOnlyList<Guid> Stores,
    IReadOnlyList<Guid> Products,
    IReadOnlyDictionary<(Guid Store, Guid Product), decimal> Stocked);
