namespace BazaarCstd.Data.Entities;

/// <summary>A catalog product (<c>bazaar.products</c>); SKU unique chain-wide ignoring case. Deleting archives it.</summary>
public sealed class Product : IVersionedRow
{
    public Guid Id { get; set; }

    public required string Sku { get; set; }

    public required string Name { get; set; }

    public string? Description { get; set; }

    public required string Category { get; set; }

    public required string Unit { get; set; }

    public decimal UnitPrice { get; set; }

    public string? Barcode { get; set; }

    public decimal ReorderPoint { get; set; }

    public DateTimeOffset CreatedAt { get; private set; }

    public DateTimeOffset UpdatedAt { get; private set; }

    public DateTimeOffset? ArchivedAt { get; set; }

    public uint Version { get; set; }
}
