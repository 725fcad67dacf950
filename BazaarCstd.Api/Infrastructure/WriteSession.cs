using Npgsql;
using NpgsqlTypes;

namespace BazaarCstd.Api.Infrastructure;

/// <summary>
/// Where a request's writes go, and the one place that names who made them. Normally each command
/// runs on its own (autocommit) pooled connection; when an <c>Idempotency-Key</c> is in play the
/// <see cref="Idempotency.IdempotencyFilter"/> opens a transaction first, so the write and the stored
/// response commit together or not at all. Every write carries the audit context (<see cref="ActorId"/>,
/// <see cref="RequestId"/>) into its own transaction, at no extra round trip: see
/// <see cref="CreateCommand"/> and <see cref="CreateCommandWithContextArguments"/>.
/// </summary>
public sealed class WriteSession(NpgsqlDataSource database, IHttpContextAccessor http)
{
    private NpgsqlConnection? _connection;
    private NpgsqlTransaction? _transaction;

    public NpgsqlDataSource Database => database;

    /// <summary>The signed-in user making the change, recorded on movements and in the audit log.</summary>
    public Guid? ActorId => Auth.CurrentUser.Id(http.HttpContext?.User ?? new System.Security.Claims.ClaimsPrincipal());

    /// <summary>The request's id as echoed in <c>X-Request-Id</c>, recorded in the audit log.</summary>
    public string? RequestId => http.HttpContext is { } context ? RequestIdMiddleware.Of(context) : null;

    /// <summary>
    /// A write statement sent together with <c>SELECT bazaar.set_audit_context(actor, request)</c>
    /// as one batch: one round trip and one transaction (the enlisted one, or the implicit transaction
    /// PostgreSQL runs a batch in), so the audit rows its triggers write name this request.
    /// </summary>
    public WriteCommand CreateCommand(string sql) => CreateCommand(sql, serializeOn: null);

    /// <summary>
    /// As <see cref="CreateCommand(string)"/>, but the statement first waits for every other
    /// transaction that serialises on <paramref name="serializeOn"/>
    /// (<c>pg_advisory_xact_lock</c> in a statement of its own, before the write, in the same
    /// transaction and round trip). Under READ COMMITTED each statement reads a fresh snapshot, so
    /// the write then sees what the previous holder committed: for checks across rows that a
    /// single statement cannot make safe alone ("someone else is still an admin").
    /// </summary>
    public WriteCommand CreateCommand(string sql, string? serializeOn)
    {
        var batch = _connection is null ? database.CreateBatch() : new NpgsqlBatch(_connection, _transaction);
        var context = new NpgsqlBatchCommand("SELECT bazaar.set_audit_context($1, $2)");
        context.Parameters.Add(ActorParameter());
        context.Parameters.Add(RequestParameter());
        batch.BatchCommands.Add(context);
        if (serializeOn is not null)
        {
            var lockStatement = new NpgsqlBatchCommand("SELECT pg_advisory_xact_lock(hashtext($1))");
            lockStatement.Parameters.Add(new NpgsqlParameter { Value = serializeOn, NpgsqlDbType = NpgsqlDbType.Text });
            batch.BatchCommands.Add(lockStatement);
        }

        return new WriteCommand(batch, new NpgsqlBatchCommand(sql));
    }

    /// <summary>
    /// For a single statement that sets the audit context itself, so it stays one statement (the
    /// ledger's <c>bazaar.record_movements_scoped</c>): <c>$1</c> is the actor and <c>$2</c> the request
    /// id, already added; the statement's own parameters follow from <c>$3</c>.
    /// </summary>
    public NpgsqlCommand CreateCommandWithContextArguments(string sql)
    {
        var command = CreateQuery(sql);
        command.Parameters.Add(ActorParameter());
        command.Parameters.Add(RequestParameter());
        return command;
    }

    /// <summary>A read that must see this session's uncommitted writes (e.g. to explain why an update matched nothing).</summary>
    public NpgsqlCommand CreateQuery(string sql) =>
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

    private NpgsqlParameter ActorParameter() => NullableParameter.Uuid(ActorId);

    private NpgsqlParameter RequestParameter() => NullableParameter.Text(RequestId);
}
