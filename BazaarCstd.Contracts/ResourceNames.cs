namespace BazaarCstd.Contracts;

/// <summary>
/// The names of the AppHost's resources, declared once. The AppHost names its resources with these
/// and the services ask for their connection strings by the same names.
/// </summary>
public static class ResourceNames
{
    public const string Postgres = "postgres";
    public const string PostgresReplica = "postgres-replica";
    public const string BazaarDb = "bazaardb";

    /// <summary>The same database as <see cref="BazaarDb"/>, logged in as <see cref="DatabaseRoles.Application"/>.</summary>
    public const string BazaarDbApp = "bazaardb-app";
    public const string BazaarDbReadOnly = "bazaardb-ro";
    public const string Cache = "cache";
    public const string Messaging = "messaging";
    public const string Migrations = "migrations";
    public const string Api = "api";
    public const string Worker = "worker";
    public const string Web = "web";
}
