using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Design;

namespace BazaarCstd.Data;

/// <summary>Lets <c>dotnet ef migrations add</c> build the model without a running database.</summary>
public sealed class DesignTimeDbContextFactory : IDesignTimeDbContextFactory<BazaarDbContext>
{
    public BazaarDbContext CreateDbContext(string[] args)
    {
        var options = new DbContextOptionsBuilder<BazaarDbContext>();
        options.UseBazaarNpgsql("Host=localhost;Database=bazaardb;Username=postgres");
        return new BazaarDbContext(options.Options);
    }
}
