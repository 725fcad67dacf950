using BazaarCstd.Data.Entities;
using Microsoft.EntityFrameworkCore;

namespace BazaarCstd.Data;

/// <summary>
/// The EF Core model of schema <c>bazaar</c> for catalog and store CRUD. Entity configurations live in
/// <c>Configurations/</c>; the tables themselves, and everything EF cannot express (the ledger,
/// triggers, partitions), come from the SQL of the migrations (see <c>Sql/</c>). Stock is never
/// written through this context: only the ledger function writes it.
/// </summary>
public class BazaarDbContext(DbContextOptions<BazaarDbContext> options) : DbContext(options)
{
    public const string Schema = "bazaar";
    public const string MigrationsHistoryTable = "__ef_migrations_history";

    public DbSet<Product> Products => Set<Product>();

    public DbSet<Store> Stores => Set<Store>();

    protected override void OnModelCreating(ModelBuilder modelBuilder)
    {
        modelBuilder.HasDefaultSchema(Schema);
        modelBuilder.ApplyConfigurationsFromAssembly(typeof(BazaarDbContext).Assembly);
    }
}
