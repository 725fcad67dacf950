using BazaarCstd.Api.Infrastructure;

namespace BazaarCstd.Api.Stock;

/// <summary>Filters of <c>GET /api/stock/current</c> and <c>GET /api/stores/{id}/inventory</c>.</summary>
public sealed record StockQuery(
    Guid? StoreId,
    Guid? ProductId,
    string? Sku,
    string? Category,
    bool? LowStock,
    DateTimeOffset? AsOf,
    string? Cursor,
    int? Limit)
{
    public Validation Validate(TimeProvider clock)
    {
        var v = new Validation().Optional("sku", Sku, Validation.MaxSkuLength).Optional("category", Category, 100);
        if (AsOf is { } asOf && asOf > clock.GetUtcNow())
        {
            v.Add("asOf", "must not be in the future.");
        }

        Infrastructure.Cursor.Validate(v, Cursor, DecodedCursor, Limit);

        return v;
    }

    public (Guid Store, Guid Product)? DecodedCursor =>
        Infrastructure.Cursor.Decode(Cursor, 2) is [var s, var p] && Guid.TryParse(s, out var store) && Guid.TryParse(p, out var product)
            ? (store, product)
            : null;
}
