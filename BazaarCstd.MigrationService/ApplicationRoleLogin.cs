using System.Security.Cryptography;
using System.Text;
using BazaarCstd.Contracts;
using Npgsql;

namespace BazaarCstd.MigrationService;

/// <summary>
/// Lets the application role log in with the password in the <c>bazaardb-app</c> connection string
/// the AppHost gives the API and the Worker. The AuditLog migration creates the role and its
/// privileges; the password is a deployment secret (the <c>app-db-password</c> parameter), so it is
/// set here, on every run: change the parameter and restart, and the role follows.
/// <para>
/// The password never travels as text. <c>ALTER ROLE</c> takes no parameters, so its statement
/// carries what it sets; here that is a SCRAM-SHA-256 verifier computed on this side (PostgreSQL
/// stores a verifier given in that form as it is), which lets nobody sign in. And the statement
/// runs on a data source of its own whose commands make no trace spans and no log lines, so not
/// even the verifier reaches the telemetry. Only a password outside printable ASCII, which SASLprep
/// would normalise in ways not repeated here, is left for the server to hash (same data source).
/// </para>
/// </summary>
public sealed class ApplicationRoleLogin(NpgsqlDataSource database, IConfiguration configuration, ILogger<ApplicationRoleLogin> logger)
{
    public const int ScramIterations = 4096;

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

        // The owner's connection string with its password (the injected data source's has it removed).
        var owner = configuration.GetConnectionString(ResourceNames.BazaarDb) ?? database.ConnectionString;
        var untraced = new NpgsqlDataSourceBuilder(owner);
        untraced.ConfigureTracing(tracing => tracing.ConfigureCommandFilter(_ => false).ConfigureBatchFilter(_ => false));
        await using var silent = untraced.Build();

        // format() quotes the name and the value; it runs on the untraced source too.
        string alter;
        await using (var format = silent.CreateCommand("SELECT format('ALTER ROLE %I WITH LOGIN PASSWORD %L', $1::text, $2::text)"))
        {
            format.Parameters.AddWithValue(login.Username);
            format.Parameters.AddWithValue(IsPrintableAscii(login.Password) ? ScramVerifier(login.Password) : login.Password);
            alter = (string)(await format.ExecuteScalarAsync(ct))!;
        }

        await using (var command = silent.CreateCommand(alter))
        {
            await command.ExecuteNonQueryAsync(ct);
        }

        logger.LogInformation("Role {Role} can log in", DatabaseRoles.Application);
    }

    /// <summary>
    /// What PostgreSQL stores for a SCRAM-SHA-256 password (RFC 5802/7677):
    /// <c>SCRAM-SHA-256$iterations:salt$StoredKey:ServerKey</c>, all base64.
    /// </summary>
    public static string ScramVerifier(string password)
    {
        var salt = RandomNumberGenerator.GetBytes(16);
        var salted = Rfc2898DeriveBytes.Pbkdf2(Encoding.UTF8.GetBytes(password), salt, ScramIterations, HashAlgorithmName.SHA256, 32);
        var storedKey = SHA256.HashData(HMACSHA256.HashData(salted, "Client Key"u8));
        var serverKey = HMACSHA256.HashData(salted, "Server Key"u8);
        return $"SCRAM-SHA-256${ScramIterations}:{Convert.ToBase64String(salt)}${Convert.ToBase64String(storedKey)}:{Convert.ToBase64String(serverKey)}";
    }

    // SASLprep leaves printable ASCII as it is, so the verifier matches what a client derives.
    private static bool IsPrintableAscii(string value) => value.All(c => c is >= ' ' and <= '~');
}
