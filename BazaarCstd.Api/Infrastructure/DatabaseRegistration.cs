using BazaarCstd.Contracts;
using BazaarCstd.Data;
using Npgsql;

namespace BazaarCstd.Api.Infrastructure;

internal static class DatabaseRegistration
{
    /// <summary>
    /// The primary (<c>bazaardb-app</c>: every write, and reads that must see them) as the default
    /// <see cref="NpgsqlDataSource"/> behind <see cref="BazaarDbContext"/>, and the read replica
    /// (<c>bazaardb-ro</c>) as a keyed data source. Writes never use the replica. Both log in as the
    /// application role, which cannot change the schema or the audit log.
    /// </summary>
    public static void AddBazaarDatabase(this IHostApplicationBuilder builder)
    {
        builder.AddNpgsqlDataSource(ResourceNames.BazaarDbApp);
        builder.AddKeyedNpgsqlDataSource(ResourceNames.BazaarDbReadOnly);
        builder.Services.AddDbContextPool<BazaarDbContext>((sp, options) =>
            options.UseBazaarNpgsql(sp.GetRequiredService<NpgsqlDataSource>()));
        builder.EnrichNpgsqlDbContext<BazaarDbContext>(settings => settings.DisableRetry = true);
    }
}
