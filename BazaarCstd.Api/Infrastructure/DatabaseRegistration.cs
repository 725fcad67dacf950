using BazaarCstd.Contracts;
using BazaarCstd.Data;
using Npgsql;

namespace BazaarCstd.Api.Infrastructure;

internal static class DatabaseRegistration
{
    /// <summary>
    /// The primary (<c>bazaardb-app</c>: every write, and reads that must see them) as the default
    /// <see cref="NpgsqlDataSource"/>, the read replica (<c>bazaardb-ro</c>) as a keyed one, and the
    /// request's <see cref="WriteSession"/> with the <see cref="BazaarDbContext"/> on its connection.
    /// Writes never use the replica. Both log in as the application role, which cannot change the
    /// schema or the audit log.
    /// </summary>
    public static void AddBazaarDatabase(this IHostApplicationBuilder builder)
    {
        builder.AddNpgsqlDataSource(ResourceNames.BazaarDbApp);
        builder.AddKeyedNpgsqlDataSource(ResourceNames.BazaarDbReadOnly);
        builder.Services.AddHttpContextAccessor();
        builder.Services.AddScoped<WriteSession>();
        builder.Services.AddScoped<WriteSessionInterceptor>();

        // Not pooled: each request's context rides on that request's WriteSession connection.
        builder.Services.AddDbContext<BazaarDbContext>((sp, options) => options
            .UseBazaarNpgsql(sp.GetRequiredService<WriteSession>().EfConnection)
            .AddInterceptors(sp.GetRequiredService<WriteSessionInterceptor>()));
        builder.EnrichNpgsqlDbContext<BazaarDbContext>(settings => settings.DisableRetry = true);
    }
}
