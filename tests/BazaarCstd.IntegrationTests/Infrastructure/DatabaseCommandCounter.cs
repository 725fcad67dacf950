using System.Collections.Concurrent;
using System.Diagnostics;
using BazaarCstd.Contracts;
using Npgsql;

namespace BazaarCstd.IntegrationTests.Infrastructure;

/// <summary>
/// A data source of the test's own whose commands are counted. Npgsql (10.x) traces through the
/// <c>Npgsql</c> ActivitySource: one client activity per command or batch sent, carrying
/// <c>db.query.text</c> and <c>db.npgsql.data_source</c> (the data source's name); a physical
/// connection open is a <c>CONNECT …</c> activity without query text and does not count. The name is
/// unique, so the app's own database traffic and other tests never reach the count.
/// </summary>
public sealed class DatabaseCommandCounter : IAsyncDisposable
{
    private readonly string _name = $"command-counter-{Guid.NewGuid():N}";
    private readonly ConcurrentQueue<string> _commands = new();
    private readonly ActivityListener _listener;

    private DatabaseCommandCounter(string connectionString)
    {
        DataSource = new NpgsqlDataSourceBuilder(connectionString) { Name = _name }.Build();
        _listener = new ActivityListener
        {
            ShouldListenTo = source => source.Name == "Npgsql",
            Sample = (ref ActivityCreationOptions<ActivityContext> _) => ActivitySamplingResult.AllDataAndRecorded,
            ActivityStopped = activity =>
            {
                if (activity.GetTagItem("db.npgsql.data_source") as string == _name
                    && activity.GetTagItem("db.query.text") is string query)
                {
                    _commands.Enqueue(query);
                }
            },
        };
        ActivitySource.AddActivityListener(_listener);
    }

    public NpgsqlDataSource DataSource { get; }

    public static async Task<DatabaseCommandCounter> CreateAsync(BazaarAppFixture fixture)
    {
        var counter = new DatabaseCommandCounter(
            await fixture.App.GetConnectionStringAsync(ResourceNames.BazaarDb)
                ?? throw new InvalidOperationException($"No connection string for {ResourceNames.BazaarDb}."));

        // The first use of a data source opens a connection and loads the server's types; only what
        // the code under test sends afterwards should count.
        await using (var warmUp = counter.DataSource.CreateCommand("SELECT 1"))
        {
            await warmUp.ExecuteScalarAsync();
        }

        return counter;
    }

    /// <summary>Runs <paramref name="action"/> and returns the text of every command it sent, in order.</summary>
    public async Task<IReadOnlyList<string>> CommandsSentByAsync(Func<NpgsqlDataSource, Task> action)
    {
        _commands.Clear();
        await action(DataSource);
        return [.. _commands];
    }

    public async ValueTask DisposeAsync()
    {
        _listener.Dispose();
        await DataSource.DisposeAsync();
    }
}
