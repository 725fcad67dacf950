using System.Data.Common;
using BazaarCstd.Api.Infrastructure.Idempotency;
using BazaarCstd.Api.Infrastructure.Replica;
using Npgsql;

namespace BazaarCstd.Api.Infrastructure;

/// <summary>
/// The database side of one write request, and the one owner of its transaction.
/// <para>
/// <b>Audit context.</b> Every write is sent as a batch that starts with
/// <c>CALL bazaar.use_audit_context(actor, request, traceparent)</c>: same round trip, same transaction (an
/// explicit one, or the implicit transaction PostgreSQL runs a batch in), so the audit rows its
/// triggers write name this request's user and <c>X-Request-Id</c>. Npgsql writes get it from
/// <see cref="CreateCommand"/>, EF Core's <c>SaveChanges</c> from <see cref="Prefix"/> (through
/// <c>WriteSessionInterceptor</c>); nothing else writes. A <c>CALL</c> has no result set, so neither
/// Npgsql's readers nor EF Core's see it.
/// </para>
/// <para>
/// <b>Idempotency-Key.</b> Without a key each command runs on a pooled connection in a transaction of
/// its own: one round trip (read through <see cref="WriteCommand.ReadRowsAsync"/>, it is sent as
/// <c>BEGIN</c> … <c>COMMIT</c> with the commit's position behind it; otherwise as PostgreSQL's implicit transaction). With a key the <see cref="IdempotencyFilter"/> calls
/// <see cref="BeginKeyedAsync"/>; the first command then carries <c>BEGIN</c>, the key's claim and a
/// savepoint in front of itself, and <see cref="CompleteAsync"/> stores the response and commits in
/// a second round trip. Disposing an uncompleted session rolls everything back, claim included.
/// </para>
/// </summary>
public sealed class WriteSession(NpgsqlDataSource database, IHttpContextAccessor http) : IAsyncDisposable
{
    private const string Savepoint = "handler";
    private const string AuditContextSql = "CALL bazaar.use_audit_context(@bazaar_actor_id, @bazaar_request_id, @bazaar_trace_parent)";

    private NpgsqlConnection? _connection;
    private NpgsqlConnection? _efConnection;
    private IdempotencyKeys.Key? _unsentClaim;
    private IdempotencyKeys.Key? _claim;
    private OwnTransaction _own;

    /// <summary>The state of a transaction this session opened for an unkeyed request (<see cref="BeginTransactionAsync"/>).</summary>
    private enum OwnTransaction
    {
        None,
        Unsent,
        Open,
    }

    /// <summary>The signed-in user making the change, recorded on movements and in the audit log.</summary>
    public Guid? ActorId => Auth.CurrentUser.Id(http.HttpContext?.User ?? new System.Security.Claims.ClaimsPrincipal());

    /// <summary>The request's id as echoed in <c>X-Request-Id</c>, recorded in the audit log.</summary>
    public string? RequestId => http.HttpContext is { } context ? RequestIdMiddleware.Of(context) : null;

    /// <summary>
    /// The request's W3C trace context (<c>traceparent</c>), stored on the events the write raises so
    /// the Worker's relay continues this trace when it publishes them. Null when the request is not traced.
    /// </summary>
    public static string? TraceParent => System.Diagnostics.Activity.Current is { IdFormat: System.Diagnostics.ActivityIdFormat.W3C } activity ? activity.Id : null;

    /// <summary>True once a keyed request's claim has been sent: from then on there is something to commit or roll back.</summary>
    internal bool Claimed => _claim is not null && _unsentClaim is null;

    /// <summary>
    /// A write statement behind the audit context. With <paramref name="serializeOn"/> it first waits
    /// for every other transaction that serialises on the same name (<c>pg_advisory_xact_lock</c>, in
    /// the same round trip): under READ COMMITTED the write then sees what the previous holder
    /// committed, for checks across rows one statement cannot make safe alone ("someone else is still an admin").
    /// </summary>
    public WriteCommand CreateCommand(string sql, string? serializeOn = null)
    {
        var command = Create(sql);
        command.AddStatement(AuditContext());
        if (serializeOn is not null)
        {
            command.AddResultStatement("SELECT pg_advisory_xact_lock(hashtext($1))", NullableParameter.Text(serializeOn));
        }

        return command;
    }

    /// <summary>
    /// The connection EF Core's <c>BazaarDbContext</c> uses in this request: the keyed request's open
    /// one (so EF's commands join its transaction), otherwise a pooled one EF opens per operation.
    /// </summary>
    public DbConnection EfConnection => _efConnection ??= database.CreateConnection();

    /// <summary>
    /// Puts in front of an EF Core command what <see cref="CreateCommand"/> puts in front of its own:
    /// the unsent claim, and for a <c>SaveChanges</c> batch the audit context (see <c>WriteSessionInterceptor</c>).
    /// </summary>
    internal void Prefix(DbCommand efCommand, bool isWrite)
    {
        var statements = new List<NpgsqlBatchCommand>();
        if (TakeClaim() is { } claim)
        {
            statements.AddRange(claim);
        }

        if (isWrite)
        {
            statements.Add(AuditContext());
        }

        if (statements.Count == 0)
        {
            return;
        }

        var command = (NpgsqlCommand)efCommand;
        command.CommandText = string.Concat(statements.Select(s => s.CommandText + ";\n")) + command.CommandText;
        foreach (var statement in statements)
        {
            // Named parameters, unique by their names, like EF Core's own (@p0, …).
            foreach (NpgsqlParameter parameter in statement.Parameters)
            {
                command.Parameters.Add(parameter.Clone());
            }
        }
    }

    /// <summary>
    /// Makes this request's following commands one transaction, for a write that must do something
    /// outside the database between its statement and its commit (publish to RabbitMQ, and roll back
    /// when that fails). The first command then carries <c>BEGIN</c>: no extra round trip. A keyed
    /// request is one transaction already, committed with its stored response by the
    /// <see cref="IdempotencyFilter"/>; then this adds nothing, and
    /// <see cref="WriteTransaction.CommitAsync"/> leaves the commit to the filter. An exception rolls
    /// either back (the key stays free).
    /// </summary>
    public async Task<WriteTransaction> BeginTransactionAsync(CancellationToken ct)
    {
        if (_connection is not null)
        {
            return new WriteTransaction(null);
        }

        _connection = (NpgsqlConnection)EfConnection;
        await _connection.OpenAsync(ct);
        _own = OwnTransaction.Unsent;
        return new WriteTransaction(this);
    }

    internal async Task EndOwnTransactionAsync(bool commit)
    {
        var open = _own == OwnTransaction.Open;
        _own = OwnTransaction.None;
        if (open && _connection is { State: System.Data.ConnectionState.Open })
        {
            if (commit)
            {
                await CommitAsync(new NpgsqlBatch(_connection));
                return;
            }

            await using var end = new NpgsqlCommand("ROLLBACK", _connection);
            await end.ExecuteNonQueryAsync(CancellationToken.None);
        }
    }

    /// <summary>A read that must see this request's uncommitted writes (e.g. to explain why an update matched nothing).</summary>
    public WriteCommand CreateQuery(string sql) => Create(sql);

    internal async Task BeginKeyedAsync(IdempotencyKeys.Key key, CancellationToken ct)
    {
        _connection = (NpgsqlConnection)EfConnection;
        await _connection.OpenAsync(ct);
        _claim = _unsentClaim = key;
    }

    /// <summary>
    /// Stores <paramref name="response"/> for the key and commits: one round trip. A refusal first
    /// rolls back to the savepoint, so nothing the handler wrote stays, only the claim and its answer.
    /// </summary>
    internal async Task CompleteAsync(StoredResponse response, bool refused)
    {
        var batch = new NpgsqlBatch(_connection);
        if (refused)
        {
            batch.BatchCommands.Add(new NpgsqlBatchCommand($"ROLLBACK TO SAVEPOINT {Savepoint}"));
        }

        batch.BatchCommands.Add(IdempotencyKeys.Complete(_claim!, response));
        await CommitAsync(batch);
        _claim = null;
    }

    /// <summary>
    /// Sends <paramref name="batch"/> with <c>COMMIT</c> and, behind it in the same round trip, reads the
    /// primary's WAL position, which is then at or past the commit: the request's <c>X-Consistency-Token</c>
    /// (<see cref="CommittedPosition"/>). Only a commit that succeeded reaches that statement.
    /// </summary>
    private async Task CommitAsync(NpgsqlBatch batch)
    {
        await using (batch)
        {
            batch.BatchCommands.Add(new NpgsqlBatchCommand("COMMIT"));
            batch.BatchCommands.Add(new NpgsqlBatchCommand(CommittedPosition.Sql));
            await using var reader = await batch.ExecuteReaderAsync(CancellationToken.None);
            do
            {
                if (await CommittedPosition.ReadAsync(reader) is { } committed)
                {
                    Committed(committed);
                }
            }
            while (await reader.NextResultAsync(CancellationToken.None));
        }
    }

    /// <summary>The key was taken by an earlier request: end this transaction and read what that request stored.</summary>
    internal async Task<IdempotencyKeys.Stored?> RollBackAndFindAsync()
    {
        await using var batch = new NpgsqlBatch(_connection);
        batch.BatchCommands.Add(new NpgsqlBatchCommand("ROLLBACK"));
        batch.BatchCommands.Add(IdempotencyKeys.Find(_claim!));
        _claim = null;
        await using var reader = await batch.ExecuteReaderAsync(CancellationToken.None);
        return await IdempotencyKeys.ReadStoredAsync(reader);
    }

    public async ValueTask DisposeAsync()
    {
        if (_connection is not null && Claimed && _connection.State == System.Data.ConnectionState.Open)
        {
            // Not completed: a failure. Roll back here rather than leave it to the pool's reset.
            await using var rollback = new NpgsqlCommand("ROLLBACK", _connection);
            await rollback.ExecuteNonQueryAsync(CancellationToken.None);
        }

        await EndOwnTransactionAsync(commit: false);

        if (_efConnection is not null)
        {
            await _efConnection.DisposeAsync();
        }

        _connection = _efConnection = null;
    }

    private void Committed(CommittedPosition position) => http.HttpContext?.Features.Set(position);

    private WriteCommand Create(string sql)
    {
        var command = _connection is null
            ? new WriteCommand(database.CreateBatch(), sql, Committed) // alone on a pooled connection: may commit itself
            : new WriteCommand(new NpgsqlBatch(_connection), sql);
        if (_own == OwnTransaction.Unsent)
        {
            _own = OwnTransaction.Open;
            command.AddStatement(new NpgsqlBatchCommand("BEGIN"));
        }

        foreach (var statement in TakeClaim() ?? [])
        {
            command.AddStatement(statement);
        }

        return command;
    }

    /// <summary>The statements that open a keyed request's transaction, once: <c>BEGIN</c>, the claim, the savepoint.</summary>
    private NpgsqlBatchCommand[]? TakeClaim()
    {
        if (_unsentClaim is not { } claim)
        {
            return null;
        }

        _unsentClaim = null;
        return [new("BEGIN"), IdempotencyKeys.Claim(claim), new($"SAVEPOINT {Savepoint}")];
    }

    private NpgsqlBatchCommand AuditContext() => new(AuditContextSql)
    {
        Parameters =
        {
            new NpgsqlParameter("bazaar_actor_id", NpgsqlTypes.NpgsqlDbType.Uuid) { Value = (object?)ActorId ?? DBNull.Value },
            new NpgsqlParameter("bazaar_request_id", NpgsqlTypes.NpgsqlDbType.Text) { Value = (object?)RequestId ?? DBNull.Value },
            new NpgsqlParameter("bazaar_trace_parent", NpgsqlTypes.NpgsqlDbType.Text) { Value = (object?)TraceParent ?? DBNull.Value },
        },
    };
}
