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
    /// <para>
    /// The write pool is small (<see cref="WriteConnectionsKey"/>, default <see cref="DefaultWriteConnections"/>
    /// per replica): 64 clients selling through 100 backends made PostgreSQL spend more CPU per sale and
    /// queue longer than 8 backends taking turns (docs/decisions.md, "Pooled sessions"). Only short
    /// statements may use it; an upload, which holds its transaction while the file streams in, has a
    /// pool of its own (<see cref="Uploads"/>).
    /// </para>
    /// </summary>
    public static void AddBazaarDatabase(this IHostApplicationBuilder builder)
    {
        var writeConnections = builder.Configuration.GetValue(WriteConnectionsKey, DefaultWriteConnections);
        if (writeConnections < 1)
        {
            throw new InvalidOperationException($"{WriteConnectionsKey} must be at least 1; it is {writeConnections}.");
        }

        var autoPrepare = builder.Configuration.GetValue(MaxAutoPrepareKey, DefaultMaxAutoPrepare);
        if (autoPrepare < 0)
        {
            throw new InvalidOperationException($"{MaxAutoPrepareKey} must be 0 (off) or more; it is {autoPrepare}.");
        }

        builder.AddNpgsqlDataSource(ResourceNames.BazaarDbApp, configureDataSourceBuilder: dataSource =>
        {
            dataSource.ConnectionStringBuilder.MaxPoolSize = writeConnections;
            KeepSession(dataSource, autoPrepare);
        });
        builder.Services.AddKeyedSingleton(Uploads, (services, _) =>
        {
            var connectionString = builder.Configuration.GetConnectionString(ResourceNames.BazaarDbApp)
                ?? throw new InvalidOperationException($"ConnectionStrings:{ResourceNames.BazaarDbApp} is not set.");
            var uploads = new NpgsqlDataSourceBuilder(connectionString);
            uploads.ConnectionStringBuilder.MaxPoolSize = UploadConnections;
            KeepSession(uploads, autoPrepare);
            uploads.UseLoggerFactory(services.GetRequiredService<ILoggerFactory>());
            return uploads.Build();
        });
        // Its health is ReplicaHealthCheck's (Degraded, not Unhealthy, while reads fall back to the primary).
        // A replica that does not answer costs the read that finds out 2 s, not 15, before the primary answers it.
        builder.AddKeyedNpgsqlDataSource(ResourceNames.BazaarDbReadOnly, settings => settings.DisableHealthChecks = true, dataSource =>
        {
            dataSource.ConnectionStringBuilder.Timeout = 2;
            dataSource.ConnectionStringBuilder.Options = Replica.ReadDatabase.ConnectionOptions;
            KeepSession(dataSource, autoPrepare);
        });
        // The primary for reads (the replica's fallback): its own pool, with the read statement timeout.
        builder.AddKeyedNpgsqlDataSource(ResourceNames.BazaarDbApp, settings => settings.DisableHealthChecks = true,
            dataSource =>
            {
                dataSource.ConnectionStringBuilder.Options = Replica.ReadDatabase.ConnectionOptions;
                KeepSession(dataSource, autoPrepare);
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

    /// <summary>Configuration key: the most connections one API replica's write pool opens to the primary.</summary>
    public const string WriteConnectionsKey = "Bazaar:Database:WriteConnections";

    public const int DefaultWriteConnections = 8;

    /// <summary>
    /// Configuration key: how many of its most used statements each pooled connection keeps prepared
    /// (Npgsql's <c>Max Auto Prepare</c>; 0 turns it off). A prepared statement skips PostgreSQL's
    /// parse and plan of the statement itself and Npgsql's reading of its row description: 20
    /// cut PostgreSQL's CPU per sale by about a tenth and the API's by a little less
    /// (docs/decisions.md, "Pooled sessions").
    /// </summary>
    public const string MaxAutoPrepareKey = "Bazaar:Database:MaxAutoPrepare";

    public const int DefaultMaxAutoPrepare = 20;

    /// <summary>
    /// Service key of the primary's pool for CSV uploads (<c>POST /api/imports</c>), which hold a
    /// transaction open while the client sends the file: on the write pool, a few slow uploads
    /// would leave no connection for sales.
    /// </summary>
    public const string Uploads = "bazaardb-uploads";

    /// <summary>Uploads one replica stages at once; the next one waits for a connection (up to the connection timeout, then 503).</summary>
    public const int UploadConnections = 16;

    /// <summary>
    /// A connection goes back to the pool without Npgsql's reset (<c>DISCARD ALL</c>, sent in front of
    /// its next command). That reset also discards every cached plan, so each ledger call re-planned
    /// every statement of <c>record_movements</c>: with it, pgbench measured 3.3–3.5 ms of PostgreSQL
    /// CPU per sale, without it 1.5–1.7 (docs/decisions.md, "Pooled sessions"). Nothing in the API
    /// leaves session state behind: the audit context and <c>SET LOCAL</c>s are transaction-local,
    /// its advisory locks are <c>_xact_</c> ones, and it makes no temporary tables. The one thing a
    /// session keeps is what it wants kept: its most used statements, prepared (<see cref="MaxAutoPrepareKey"/>).
    /// </summary>
    private static void KeepSession(NpgsqlDataSourceBuilder dataSource, int autoPrepare)
    {
        dataSource.ConnectionStringBuilder.NoResetOnClose = true;
        dataSource.ConnectionStringBuilder.MaxAutoPrepare = autoPrepare;
    }
}
