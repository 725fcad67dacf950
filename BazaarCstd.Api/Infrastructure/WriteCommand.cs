using Npgsql;

namespace BazaarCstd.Api.Infrastructure;

/// <summary>
/// A write statement from <see cref="WriteSession.CreateCommand"/>: used like an
/// <see cref="NpgsqlCommand"/>, sent as a batch behind the audit context. The results and the rows
/// affected are the statement's own.
/// </summary>
public sealed class WriteCommand : IAsyncDisposable
{
    private readonly NpgsqlBatch _batch;
    private readonly NpgsqlBatchCommand _statement;

    internal WriteCommand(NpgsqlBatch batch, NpgsqlBatchCommand statement)
    {
        _batch = batch;
        _statement = statement;
        _batch.BatchCommands.Add(statement);
    }

    public NpgsqlParameterCollection Parameters => _statement.Parameters;

    /// <summary>Runs the batch and returns a reader positioned on the statement's results.</summary>
    public async Task<NpgsqlDataReader> ExecuteReaderAsync(CancellationToken ct)
    {
        var reader = await _batch.ExecuteReaderAsync(ct);
        try
        {
            // Past the one-row results of the statements before the write (the audit context, a lock).
            for (var i = 1; i < _batch.BatchCommands.Count; i++)
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
        await _batch.ExecuteNonQueryAsync(ct);
        return _statement.RecordsAffected;
    }

    public ValueTask DisposeAsync() => _batch.DisposeAsync();
}
