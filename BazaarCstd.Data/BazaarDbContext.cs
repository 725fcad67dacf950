using Microsoft.EntityFrameworkCore;

namespace BazaarCstd.Data;

/// <summary>The EF Core model of schema <c>bazaar</c>. Entity configurations live in <c>Configurations/</c>.</summary>
public class BazaarDbContext(DbContextOptions<BazaarDbContext> options) : DbContext(options)
{
    public const string Schema = "bazaar";
    public const string MigrationsHistoryTable = "__ef_migrations_history";

    protected override void OnModelCreating(ModelBuilder modelBuilder)
    {
        modelBuilder.HasDefaultSchema(Schema);
        modelBuilder.ApplyConfigurationsFromAssembly(typeof(BazaarDbContext).Assembly);
    }
}
