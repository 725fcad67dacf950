using BazaarCstd.Contracts;
using Npgsql;

namespace BazaarCstd.MigrationService;

/// <summary>
/// Lets the application role log in with the password in the <c>bazaardb-app</c> connection string
/// the AppHost gives the API and the Worker. The AuditLog migration creates the role and its
/// privileges; the password is a deployment secret (the <c>app-db-password</c> parameter), so it is
/// set here, on every run: change the parameter and restart, and the role follows.
/// </summary>
public sealed class ApplicationRoleLogin(NpgsqlDataSource database, IConfiguration configuration, ILogger<ApplicationRoleLogin> logger)
{
    public async Task EnsureAsync(CancellationToken ct)
    {
        var connectionString = configuration.GetConnectionString(ResourceNames.BazaarDbApp);
        if (string.IsNullOrEmpty(connectionString))
        {
            logger.LogWarning("No {Connection} connection string: role {Role} was left unable to log in", ResourceNames.BazaarDbApp, DatabaseRoles.Application);
            return;
        }

        var login = new NpgsqlConnectionStringBuilder(connectionString);
        if (login.Username != DatabaseRoles.Application || string.IsNullOrEmpty(login.Password))
        {
            throw new InvalidOperationException(
                $"The {ResourceNames.BazaarDbApp} connection string must log in as {DatabaseRoles.Application} with a password; it has user '{login.Username}'.");
        }

        // ALTER ROLE takes no parameters: the server quotes the name and the password itself.
        string alter;
        await using (var format = database.CreateCommand("SELECT format('ALTER ROLE %I WITH LOGIN PASSWORD %L', $1::text, $2::text)"))
        {
            format.Parameters.AddWithValue(login.Username);
            format.Parameters.AddWithValue(login.Password);
            alter = (string)(await format.ExecuteScalarAsync(ct))!;
        }

        await using (var command = database.CreateCommand(alter))
        {
            await command.ExecuteNonQueryAsync(ct);
        }

        logger.LogInformation("Role {Role} can log in", DatabaseRoles.Application);
    }
}
