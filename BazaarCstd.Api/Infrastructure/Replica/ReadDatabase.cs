using Npgsql;

namespace BazaarCstd.Api.Infrastructure.Replica;

/// <summary>
/// What read endpoints (lists, reports, history, events, alerts) read from in place of the primary
/// <see cref="NpgsqlDataSource"/>: the replica when <see cref="ReplicaReadsMiddleware"/> chose it for
/// this request, else the primary. Nothing that decides a write reads through here: writes, the
/// reads inside them, idempotency look-ups, sign-in and session checks keep the primary.
/// <para>
/// Both data sources it reads from run every statement under <see cref="StatementTimeout"/>
/// (<c>statement_timeout</c> in their connection strings): a runaway read is stopped by the server and
/// answered with a 503 <c>read-timeout</c> (<see cref="ProblemExceptionHandler"/>) instead of holding a
/// connection and a core. Exports page through short keyset queries, so the limit holds them too.
/// </para>
/// </summary>
public sealed class ReadDatabase(ReplicaMonitor monitor, IHttpContextAccessor http)
{
    /// <summary>The longest a read statement may run.</summary>
    public static readonly TimeSpan StatementTimeout = TimeSpan.FromSeconds(5);

    /// <summary>The connection-string <c>Options</c> that put <see cref="StatementTimeout"/> on a read data source.</summary>
    public static string ConnectionOptions => $"-c statement_timeout={StatementTimeout.TotalMilliseconds:0}";

    public NpgsqlCommand CreateCommand(string sql) => Source().CreateCommand(sql);

    public NpgsqlBatch CreateBatch() => Source().CreateBatch();

    public ValueTask<NpgsqlConnection> OpenConnectionAsync(CancellationToken ct) => Source().OpenConnectionAsync(ct);

    private NpgsqlDataSource Source()
    {
        if (http.HttpContext?.Features.Get<ReadRoute>() is { Replica: true } route)
        {
            route.ReplicaUsed = true;
            monitor.Count(ReadSources.Replica);
            return monitor.Replica;
        }

        monitor.Count(ReadSources.Primary);
        return monitor.Primary;
    }
}
