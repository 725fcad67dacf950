namespace BazaarCstd.Web.Services;

/// <summary>One line of a <see cref="TransferDraft"/>.</summary>
public sealed class TransferLineDraft
{
    public string? Sku { get; set; }

    public decimal? Quantity { get; set; }
}
