using BazaarCstd.Contracts;
using BazaarCstd.Data;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Diagnostics;
using Npgsql;

namespace BazaarCstd.Api.Infrastructure;

internal static class DatabaseRegistration
{
    /// <summary>
    /// The primary (<c>bazaardb-app</c>: every write, and reads that must see them) as the default
    /// <see cref="NpgsqlDataSource"/>, the read replica (<c>bazaardb-ro</c>) and the primary for reads
    /// (both under the read statement timeout) as keyed ones, and the
    /// request's <see cref="WriteSession"/> with the <see cref="BazaarDbContext"/> on its connection.
    /// Writes never use the replica; read endpoints reach it through <c>Replica.ReadDatabase</c>. Both log in as the application role, which cannot change the
    /// schema or the audit log.
    /// </summary>
    public static void AddBazaarDatabase(this IHostApplicationBuilder builder)
    {
        builder.AddNpgsqlDataSource(ResourceNames.BazaarDbApp, configureDataSourceBuilder: KeepSessionOnReturn);
        // Its health is ReplicaHealthCheck's (Degraded, not Unhealthy, while reads fall back to the primary).
        // A replica that does not answer costs the read that finds out 2 s, not 15, before the primary answers it.
        builder.AddKeyedNpgsqlDataSource(ResourceNames.BazaarDbReadOnly, settings => settings.DisableHealthChecks = true, dataSource =>
        {
            dataSource.ConnectionStringBuilder.Timeout = 2;
            dataSource.ConnectionStringBuilder.Options = Replica.ReadDatabase.ConnectionOptions;
            KeepSessionOnReturn(dataSource);
        });
        // The primary for reads (the replica's fallback): its own pool, with the read statement timeout.
        builder.AddKeyedNpgsqlDataSource(ResourceNames.BazaarDbApp, settings => settings.DisableHealthChecks = true,
            dataSource =>
            {
                dataSource.ConnectionStringBuilder.Options = Replica.ReadDatabase.ConnectionOptions;
                KeepSessionOnReturn(dataSource);
            });
        builder.Services.AddHttpContextAccessor();
        builder.Services.AddScoped<WriteSession>();
        builder.Services.AddScoped<WriteSessionInterceptor>();

        // Not pooled: each request's context rides on that request's WriteSession connection.
        // A failed command is often an answer, not a fault (a SKU taken → 409, an Idempotency-Key a
        // parallel request claimed first → replay), so EF Core's three Error entries per failure are
        // Debug here; a failure nobody handles reaches ProblemExceptionHandler, which logs it at Error once.
        builder.Services.AddDbContext<BazaarDbContext>((sp, options) => options
            .UseBazaarNpgsql(sp.GetRequiredService<WriteSession>().EfConnection)
            .AddInterceptors(sp.GetRequiredService<WriteSessionInterceptor>())
            .ConfigureWarnings(w => w.Log(
                (RelationalEventId.CommandError, LogLevel.Debug),
                (CoreEventId.QueryIterationFailed, LogLevel.Debug),
                (CoreEventId.SaveChangesFailed, LogLevel.Debug))));
        builder.EnrichNpgsqlDbContext<BazaarDbContext>(settings => settings.DisableRetry = true);
    }

    /// <summary>
    /// A connection goes back to the pool without Npgsql's reset (<c>DISCARD ALL</c>, sent in front of
    /// its next command). That reset also discards every cached plan, so each ledger call re-planned
    /// every statement of <c>record_movements</c>: with it, pgbench measured 3.3–3.5 ms of PostgreSQL
    /// CPU per sale, without it 1.5–1.7 (docs/decisions.md, "Pooled sessions"). Nothing in the API
    /// leaves session state behind: the audit context and <c>SET LOCAL</c>s are transaction-local,
    /// its advisory locks are <c>_xact_</c> ones, and it prepares no statements and makes no temporary tables.
    /// </summary>
    private static void KeepSessionOnReturn(NpgsqlDataSourceBuilder dataSource) =>
        dataSource.ConnectionStringBuilder.NoResetOnClose = true;
}
