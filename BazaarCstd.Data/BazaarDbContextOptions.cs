using Microsoft.EntityFrameworkCore;
using Npgsql;
using Npgsql.EntityFrameworkCore.PostgreSQL.Infrastructure;

namespace BazaarCstd.Data;

/// <summary>The one place that says how EF Core talks to our PostgreSQL, shared by every service.</summary>
public static class BazaarDbContextOptions
{
    public static DbContextOptionsBuilder UseBazaarNpgsql(this DbContextOptionsBuilder options, NpgsqlDataSource dataSource) =>
        options.UseNpgsql(dataSource, Configure).UseSnakeCaseNamingConvention();

    /// <summary>On a connection the caller owns (EF Core opens and closes it when it is closed, and leaves an open one open).</summary>
    public static DbContextOptionsBuilder UseBazaarNpgsql(this DbContextOptionsBuilder options, System.Data.Common.DbConnection connection) =>
        options.UseNpgsql(connection, Configure).UseSnakeCaseNamingConvention();

    public static DbContextOptionsBuilder UseBazaarNpgsql(this DbContextOptionsBuilder options, string connectionString) =>
        options.UseNpgsql(connectionString, Configure).UseSnakeCaseNamingConvention();

    private static void Configure(NpgsqlDbContextOptionsBuilder npgsql) =>
        npgsql.MigrationsHistoryTable(BazaarDbContext.MigrationsHistoryTable, BazaarDbContext.Schema)
            .MigrationsAssembly(typeof(BazaarDbContext).Assembly.GetName().Name);
}
