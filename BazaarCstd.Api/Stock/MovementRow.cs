using BazaarCstd.Api.Infrastructure;
using BazaarCstd.Contracts.Stock;
using Npgsql;

namespace BazaarCstd.Api.Stock;

/// <summary>A <see cref="Movement"/> from a row with the columns of <c>stock_movements</c> plus the product's <c>sku</c>.</summary>
internal static class MovementRow
{
    public static Movement Read(NpgsqlDataReader r) => new(
        r.Column<long>("id"), r.Column<Guid>("store_id"), r.Column<Guid>("product_id"), r.Column<string>("sku"), r.Column<string>("kind"),
        r.Column<decimal>("quantity"), r.Column<decimal>("delta"), r.Column<string?>("reason"), r.Column<string?>("reference"),
        r.Column<string?>("note"), r.Column<DateTimeOffset>("occurred_at"), r.Column<DateTimeOffset>("recorded_at"),
        r.Column<string?>("device_id"), r.Column<Guid>("batch_id"));
}
