namespace BazaarCstd.Contracts;

/// <summary>The database login roles, declared once for the AppHost and the MigrationService.</summary>
public static class DatabaseRoles
{
    /// <summary>
    /// The role the API and the Worker log in as: reads and writes business tables, reads the audit
    /// log, owns nothing. Created and granted by the AuditLog migration (<c>Migrations/Sql/004_audit_log.sql</c>).
    /// </summary>
    public const string Application = "bazaar_app";
}
