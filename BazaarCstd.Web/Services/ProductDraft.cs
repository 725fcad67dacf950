using BazaarCstd.Contracts.Catalog;

namespace BazaarCstd.Web.Services;

/// <summary>A product being created or edited in the admin form.</summary>
public sealed class ProductDraft
{
    public string? Sku { get; set; }

    public string? Name { get; set; }

    public string? Category { get; set; }

    public string Unit { get; set; } = "each";

    public decimal? UnitPrice { get; set; }

    public string? Barcode { get; set; }

    public decimal? ReorderPoint { get; set; }

    public string? Description { get; set; }

    public static ProductDraft From(Product product) => new()
    {
        Sku = product.Sku,
        Name = product.Name,
        Category = product.Category,
        Unit = product.Unit,
        UnitPrice = product.UnitPrice,
        Barcode = product.Barcode,
        ReorderPoint = product.ReorderPoint,
        Description = product.Description,
    };

    /// <summary>What the API would refuse anyway, said before asking it; null when the draft can be sent.</summary>
    public string? Validate() =>
        string.IsNullOrWhiteSpace(Sku) ? "Enter a SKU."
        : string.IsNullOrWhiteSpace(Name) ? "Enter a name."
        : string.IsNullOrWhiteSpace(Category) ? "Enter a category."
        : UnitPrice is not >= 0 ? "Enter a unit price (0 or more)."
        : null;

    public ProductRequest ToRequest() =>
        new(Sku?.Trim(), Name?.Trim(), Category?.Trim(), Unit, UnitPrice, Blank(Barcode), Blank(Description), ReorderPoint);

    private static string? Blank(string? text) => string.IsNullOrWhiteSpace(text) ? null : text.Trim();
}
