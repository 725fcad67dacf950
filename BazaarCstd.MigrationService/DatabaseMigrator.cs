using System.Diagnostics;
using BazaarCstd.Data;
using BazaarCstd.MigrationService.DemoData;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.EntityFrameworkCore.Migrations;

namespace BazaarCstd.MigrationService;

/// <summary>
/// Applies the EF Core migrations, then the changed function, view and trigger files
/// (<see cref="SchemaObjectApplier"/>), seeds the demo chain when <c>Bazaar:SeedDemoData</c> is on (the
/// <see cref="DemoDataSeeder"/> is then registered), then stops the host. Exit code 0 means the schema
/// is current (and the demo data complete); on failure the reason is logged and the process exits 1,
/// so the AppHost keeps the API and Worker (which <c>WaitForCompletion</c> on this) from starting
/// against a half-made database.
/// </summary>
public sealed class DatabaseMigrator(
    IServiceProvider serviceProvider,
    IHostApplicationLifetime lifetime,
    ILogger<DatabaseMigrator> logger) : BackgroundService
{
    public const string ActivitySourceName = "BazaarCstd.Migrations";
    private static readonly ActivitySource s_activitySource = new(ActivitySourceName);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        try
        {
            await MigrateAsync(stoppingToken);
            if (serviceProvider.GetService<DemoDataSeeder>() is { } seeder)
            {
                await SeedAsync(seeder, stoppingToken);
            }
        }
        catch (Exception) when (!stoppingToken.IsCancellationRequested)
        {
            // Logged where it happened, with what was being done.
            Environment.ExitCode = 1;
        }
        finally
        {
            lifetime.StopApplication();
        }
    }

    private async Task MigrateAsync(CancellationToken stoppingToken)
    {
        using var activity = s_activitySource.StartActivity("Migrating database", ActivityKind.Client);
        try
        {
            await using var scope = serviceProvider.CreateAsyncScope();
            var db = scope.ServiceProvider.GetRequiredService<BazaarDbContext>();

            // Npgsql's history repository does not ask whether its table exists: it reads it and treats
            // "relation does not exist" as "nothing applied". On a fresh database that read fails twice
            // (our pending list, then MigrateAsync's own), and EF and PostgreSQL each log the failure as
            // an error. Creating the table first (CREATE TABLE IF NOT EXISTS, as MigrateAsync does a
            // moment later anyway) makes every read succeed, so a healthy first start logs no errors.
            await db.GetService<IHistoryRepository>().CreateIfNotExistsAsync(stoppingToken);

            var pending = (await db.Database.GetPendingMigrationsAsync(stoppingToken)).ToList();
            logger.LogInformation("Applying {Count} pending migration(s): {Migrations}", pending.Count, string.Join(", ", pending));
            await db.Database.MigrateAsync(stoppingToken);
            await scope.ServiceProvider.GetRequiredService<SchemaObjectApplier>().ApplyAsync(migrationsRan: pending.Count > 0, stoppingToken);
            logger.LogInformation("Database schema is up to date");

            await scope.ServiceProvider.GetRequiredService<ApplicationRoleLogin>().EnsureAsync(stoppingToken);
            await scope.ServiceProvider.GetRequiredService<AccountBootstrapper>().EnsureAdminAsync(stoppingToken);
        }
        catch (Exception ex) when (!stoppingToken.IsCancellationRequested)
        {
            activity?.AddException(ex);
            logger.LogCritical(ex, "Database migration failed: {Reason}", ex.Message);
            throw;
        }
    }

    private async Task SeedAsync(DemoDataSeeder seeder, CancellationToken stoppingToken)
    {
        using var activity = s_activitySource.StartActivity("Seeding demo data", ActivityKind.Client);
        try
        {
            var result = await seeder.SeedAsync(stoppingToken);
            activity?.SetTag("bazaar.demo.movements_written", result.MovementsWritten);
            await serviceProvider.GetRequiredService<AccountBootstrapper>().EnsureDemoUsersAsync(stoppingToken);
        }
        catch (Exception ex) when (!stoppingToken.IsCancellationRequested)
        {
            activity?.AddException(ex);
            logger.LogCritical(ex, "Demo data seeding failed: {Reason}", ex.Message);
            throw;
        }
    }
}
