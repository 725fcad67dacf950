using BazaarCstd.Data.Entities;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace BazaarCstd.Data.Configurations;

internal static class VersionedRowConfiguration
{
    /// <summary>
    /// <c>created_at</c> and <c>updated_at</c> come from the database (a default, and the
    /// <c>touch_updated_at</c> trigger) and are read back after every save; PostgreSQL's <c>xmin</c> is
    /// the row version EF Core checks on update.
    /// </summary>
    public static EntityTypeBuilder<T> HasVersionedRowColumns<T>(this EntityTypeBuilder<T> entity)
        where T : class, IVersionedRow
    {
        entity.Property<DateTimeOffset>(nameof(IVersionedRow.CreatedAt)).HasDefaultValueSql("now()").ValueGeneratedOnAdd();
        entity.Property<DateTimeOffset>(nameof(IVersionedRow.UpdatedAt)).HasDefaultValueSql("now()").ValueGeneratedOnAddOrUpdate();
        entity.Property<uint>(nameof(IVersionedRow.Version)).IsRowVersion();
        return entity;
    }
}
