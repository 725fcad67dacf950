using BazaarCstd.Contracts.Stock;

namespace BazaarCstd.Web.Services;

/// <summary>A transfer being filled in: two stores and lines of SKU and quantity.</summary>
public sealed class TransferDraft
{
    public Guid? FromStoreId { get; set; }

    public Guid? ToStoreId { get; set; }

    public List<TransferLineDraft> Lines { get; } = [new()];

    public string? Reference { get; set; }

    public string? Note { get; set; }

    /// <summary>What the API would refuse anyway, said before asking it; null when the draft can be sent.</summary>
    public string? Validate()
    {
        if (FromStoreId is null || ToStoreId is null)
        {
            return "Choose the store the stock leaves and the store it goes to.";
        }

        if (FromStoreId == ToStoreId)
        {
            return "The two stores must differ.";
        }

        var filled = Filled().ToList();
        if (filled.Count == 0)
        {
            return "Add at least one product line with a SKU.";
        }

        if (filled.FirstOrDefault(l => l.Quantity is not > 0) is { } noQuantity)
        {
            return $"Enter a quantity above zero for {noQuantity.Sku!.Trim()}.";
        }

        return filled.GroupBy(l => l.Sku!.Trim(), StringComparer.OrdinalIgnoreCase).FirstOrDefault(g => g.Count() > 1) is { } twice
            ? $"{twice.Key} is on two lines: put its whole quantity on one."
            : null;
    }

    public TransferRequest ToRequest() => new(
        FromStoreId, ToStoreId,
        [.. Filled().Select(l => new TransferLine(null, l.Sku!.Trim(), l.Quantity))],
        Blank(Reference), Blank(Note));

    /// <summary>Lines with a SKU; an empty line left at the end is not a line.</summary>
    private IEnumerable<TransferLineDraft> Filled() => Lines.Where(l => !string.IsNullOrWhiteSpace(l.Sku));

    private static string? Blank(string? text) => string.IsNullOrWhiteSpace(text) ? null : text.Trim();
}
