using BazaarCstd.Data.Entities;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace BazaarCstd.Data.Configurations;

/// <summary>
/// Maps <see cref="Store"/> onto <c>bazaar.stores</c>. The table, its checks and <c>ux_stores_code</c>
/// (on <c>lower(code)</c>) come from the migration history's SQL.
/// </summary>
public sealed class StoreConfiguration : IEntityTypeConfiguration<Store>
{
    public void Configure(EntityTypeBuilder<Store> store)
    {
        store.ToTable("stores");
        store.Property(s => s.Id).ValueGeneratedNever();
        store.HasVersionedRowColumns();
    }
}
