using BazaarCstd.Data.Entities;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace BazaarCstd.Data.Configurations;

/// <summary>
/// Maps <see cref="Product"/> onto <c>bazaar.products</c>. The table, its checks and its unique
/// indexes (<c>ux_products_sku</c> on <c>lower(sku)</c>, <c>ux_products_barcode</c>) come from the
/// migration history's SQL, so EF Core neither creates nor knows them.
/// </summary>
public sealed class ProductConfiguration : IEntityTypeConfiguration<Product>
{
    public void Configure(EntityTypeBuilder<Product> product)
    {
        product.ToTable("products");
        product.Property(p => p.Id).ValueGeneratedNever();
        product.Property(p => p.UnitPrice).HasPrecision(12, 2);
        product.Property(p => p.ReorderPoint).HasPrecision(18, 3);
        product.HasVersionedRowColumns();
    }
}
