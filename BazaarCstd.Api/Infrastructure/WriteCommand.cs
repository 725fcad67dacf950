using BazaarCstd.Api.Infrastructure.Replica;
using Npgsql;

namespace BazaarCstd.Api.Infrastructure;

/// <summary>
/// A statement from <see cref="WriteSession"/>, used like an <see cref="NpgsqlCommand"/> but sent as
/// one batch behind what the session puts in front of it (a transaction's start and an idempotency
/// claim, the audit context, a lock). The results and the rows affected are the statement's own.
/// </summary>
public sealed class WriteCommand : IAsyncDisposable
{
    private readonly NpgsqlBatch _batch;
    private readonly NpgsqlBatchCommand _statement;
    private readonly Action<CommittedPosition>? _committed;
    private int _resultsBefore;

    /// <param name="committed">
    /// Set when the statement runs alone, in a transaction of its own (a request with neither an
    /// Idempotency-Key nor a transaction of its own): <see cref="ReadRowsAsync"/> then commits it
    /// itself and reports the commit's position here.
    /// </param>
    internal WriteCommand(NpgsqlBatch batch, string sql, Action<CommittedPosition>? committed = null)
    {
        _batch = batch;
        _statement = new NpgsqlBatchCommand(sql);
        _committed = committed;
    }

    public NpgsqlParameterCollection Parameters => _statement.Parameters;

    /// <summary>
    /// Runs the batch and reads each of the statement's rows with <paramref name="read"/>. A statement
    /// that runs in a transaction of its own is sent as <c>BEGIN</c> … <c>COMMIT</c> with the primary's
    /// WAL position read behind the <c>COMMIT</c>, all in one round trip: the request's consistency token
    /// (<see cref="CommittedPosition"/>), which otherwise costs a second round trip after the answer
    /// starts. A statement that fails leaves the transaction failed, and Npgsql rolls it back as the
    /// connection goes back to the pool (docs/decisions.md, "Write path").
    /// </summary>
    public async Task<List<T>> ReadRowsAsync<T>(Func<NpgsqlDataReader, T> read, CancellationToken ct)
    {
        var commitsItself = _committed is not null;
        var rows = new List<T>();
        await using var reader = await ExecuteReaderAsync(commitsItself, ct);

        // Sent whole: from here on the server finishes the batch whatever this request does, so
        // the rest is read to its end (a commit the caller never hears of would skip its cache invalidation).
        while (await reader.ReadAsync(CancellationToken.None))
        {
            rows.Add(read(reader));
        }

        if (commitsItself && await reader.NextResultAsync(CancellationToken.None) && await CommittedPosition.ReadAsync(reader) is { } committed)
        {
            _committed!(committed);
        }

        return rows;
    }

    /// <summary>Runs the batch and returns a reader positioned on the statement's results.</summary>
    public Task<NpgsqlDataReader> ExecuteReaderAsync(CancellationToken ct) => ExecuteReaderAsync(commitsItself: false, ct);

    private async Task<NpgsqlDataReader> ExecuteReaderAsync(bool commitsItself, CancellationToken ct)
    {
        var reader = await ExecuteAsync(b => b.ExecuteReaderAsync(ct), commitsItself);
        try
        {
            // Past the one-row results of the statements in front (only SELECTs have results).
            for (var i = 0; i < _resultsBefore; i++)
            {
                await reader.NextResultAsync(ct);
            }

            return reader;
        }
        catch
        {
            await reader.DisposeAsync();
            throw;
        }
    }

    /// <summary>The first column of the statement's first row (<see cref="DBNull"/> for NULL), or null when no row.</summary>
    public async Task<object?> ExecuteScalarAsync(CancellationToken ct)
    {
        await using var reader = await ExecuteReaderAsync(ct);
        return await reader.ReadAsync(ct) ? reader.GetValue(0) : null;
    }

    /// <summary>The rows the statement inserted, updated or deleted.</summary>
    public async Task<int> ExecuteNonQueryAsync(CancellationToken ct)
    {
        await ExecuteAsync(b => b.ExecuteNonQueryAsync(ct));
        return _statement.RecordsAffected;
    }

    public ValueTask DisposeAsync() => _batch.DisposeAsync();

    internal void AddStatement(NpgsqlBatchCommand statement) => _batch.BatchCommands.Add(statement);

    internal void AddResultStatement(string sql, params NpgsqlParameter[] parameters)
    {
        var statement = new NpgsqlBatchCommand(sql);
        statement.Parameters.AddRange(parameters);
        _batch.BatchCommands.Add(statement);
        _resultsBefore++;
    }

    /// <param name="commitsItself">Wraps the batch in <c>BEGIN</c> … <c>COMMIT</c> and reads the commit's position behind it (<see cref="ReadRowsAsync"/>).</param>
    private async Task<T> ExecuteAsync<T>(Func<NpgsqlBatch, Task<T>> execute, bool commitsItself = false)
    {
        if (commitsItself)
        {
            _batch.BatchCommands.Insert(0, new NpgsqlBatchCommand("BEGIN"));
        }

        _batch.BatchCommands.Add(_statement);
        if (commitsItself)
        {
            _batch.BatchCommands.Add(new NpgsqlBatchCommand("COMMIT"));
            _batch.BatchCommands.Add(new NpgsqlBatchCommand(CommittedPosition.Sql));
        }

        try
        {
            return await execute(_batch);
        }
        catch (PostgresException ex) when (Idempotency.IdempotencyKeys.IsClaimConflict(ex))
        {
            throw new Idempotency.IdempotencyKeyTakenException(ex);
        }
    }
}
