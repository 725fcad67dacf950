using BazaarCstd.Api.Infrastructure;
using BazaarCstd.Contracts.Stock;
using Npgsql;

namespace BazaarCstd.Api.Stock;

/// <summary>A <see cref="StockRow"/> from a row with <c>store_id, store_code, product_id, sku, name, unit, on_hand, reorder_point, updated_at</c>.</summary>
internal static class StockRowReader
{
    public static StockRow Read(NpgsqlDataReader r) => new(
        r.Column<Guid>("store_id"), r.Column<string>("store_code"), r.Column<Guid>("product_id"), r.Column<string>("sku"),
        r.Column<string>("name"), r.Column<string>("unit"), r.Column<decimal>("on_hand"), r.Column<decimal>("reorder_point"),
        r.Column<DateTimeOffset?>("updated_at"));
}
