using Npgsql;

namespace BazaarCstd.Api.Infrastructure.Replica;

/// <summary>
/// What read endpoints (lists, reports, history, events, alerts) read from in place of the primary
/// <see cref="NpgsqlDataSource"/>: the replica when <see cref="ReplicaReadsMiddleware"/> chose it for
/// this request, else the primary. Nothing that decides a write reads through here: writes, the
/// reads inside them, idempotency look-ups, sign-in and session checks keep the primary.
/// </summary>
public sealed class ReadDatabase(ReplicaMonitor monitor, IHttpContextAccessor http)
{
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
