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
    private int _resultsBefore;

    internal WriteCommand(NpgsqlBatch batch, string sql)
    {
        _batch = batch;
        _statement = new NpgsqlBatchCommand(sql);
    }

    public NpgsqlParameterCollection Parameters => _statement.Parameters;

    /// <summary>Runs the batch and returns a reader positioned on the statement's results.</summary>
    public async Task<NpgsqlDataReader> ExecuteReaderAsync(CancellationToken ct)
    {
        var reader = await ExecuteAsync(b => b.ExecuteReaderAsync(ct));
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

    private async Task<T> ExecuteAsync<T>(Func<NpgsqlBatch, Task<T>> execute)
    {
        _batch.BatchCommands.Add(_statement);
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
