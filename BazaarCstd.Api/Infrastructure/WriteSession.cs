using Npgsql;

namespace BazaarCstd.Api.Infrastructure;

/// <summary>
/// Where a request's writes go. Normally each command runs on its own (autocommit) pooled
/// connection; when an <c>Idempotency-Key</c> is in play the <see cref="Idempotency.IdempotencyFilter"/>
/// opens a transaction first, so the write and the stored response commit together or not at all.
/// Every writer creates its commands here.
/// </summary>
public sealed class WriteSession(NpgsqlDataSource database, IHttpContextAccessor http)
{
    private NpgsqlConnection? _connection;
    private NpgsqlTransaction? _transaction;

    public NpgsqlDataSource Database => database;

    /// <summary>The signed-in user making the change, recorded on movements and in the audit log.</summary>
    public Guid? ActorId => Auth.CurrentUser.Id(http.HttpContext?.User ?? new System.Security.Claims.ClaimsPrincipal());

    public NpgsqlCommand CreateCommand(string sql) =>
        _connection is null ? database.CreateCommand(sql) : new NpgsqlCommand(sql, _connection, _transaction);

    internal void Enlist(NpgsqlConnection connection, NpgsqlTransaction transaction)
    {
        _connection = connection;
        _transaction = transaction;
    }

    internal void Release()
    {
        _connection = null;
        _transaction = null;
    }
}
