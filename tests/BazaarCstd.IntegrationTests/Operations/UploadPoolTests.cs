using System.Diagnostics;
using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text;
using BazaarCstd.Api.Infrastructure;
using BazaarCstd.Contracts;
using BazaarCstd.Contracts.Operations;
using BazaarCstd.Contracts.Stock;
using BazaarCstd.IntegrationTests.Infrastructure;
using BazaarCstd.IntegrationTests.Inventory;
using Npgsql;
using Xunit.Abstractions;
using static BazaarCstd.IntegrationTests.Operations.ImportClient;

namespace BazaarCstd.IntegrationTests.Operations;

/// <summary>
/// The API's write pool is small (8 connections per replica), and an upload holds a connection for
/// as long as its client takes to send the file: uploads have a pool of their own, so slow uploads
/// never leave a till waiting for a connection.
/// </summary>
[Collection(BazaarAppCollection.Name)]
public sealed class UploadPoolTests(BazaarAppFixture fixture, ITestOutputHelper output)
{
    private const int Uploads = 20;

    /// <summary>
    /// Uploads in their COPY at once before the tills sell: as many as both replicas' write pools hold
    /// (2 × 8), so on the write pool no till would get a connection. However the proxy spreads the 20,
    /// at least 16 of them are staging at once with each replica's 16 upload connections.
    /// </summary>
    private const int Staging = 2 * DatabaseRegistration.DefaultWriteConnections;

    private const int Sales = 32;

    private static readonly TimeSpan Deadline = TimeSpan.FromSeconds(90);

    private readonly InventoryApi _api = new(fixture);

    [Fact]
    public async Task Sales_go_through_while_twenty_uploads_are_still_streaming_in()
    {
        var (store, product) = await _api.StockedAsync(100);
        using var admin = fixture.CreateApiClient();
        var row = $"{store.Code},{product.Sku},stock_in,1,,,,";
        var bodies = Enumerable.Range(0, Uploads).Select(_ => new HeldUpload($"{MovementHeader}\r\n{row}\r\n", $"{row}\r\n")).ToList();
        try
        {
            var uploads = bodies.Select(body => StartAsync(admin, OperationKinds.Movements, body)).ToList();

            // The uploads are in their COPY, each on a connection of its own, while their clients still send.
            await using var db = NpgsqlDataSource.Create((await fixture.App.GetConnectionStringAsync(ResourceNames.BazaarDb))!);
            async Task<long> CopyingAsync() => (long)(await db.CreateCommand(
                "SELECT count(*) FROM pg_stat_activity WHERE query LIKE 'COPY bazaar.import_rows%' AND state = 'active'").ExecuteScalarAsync())!;
            try
            {
                await Eventually.IsTrueAsync(async () => await CopyingAsync() >= Staging,
                    TimeSpan.FromSeconds(30), $"{Staging} of {Uploads} uploads in their COPY");
            }
            catch (TimeoutException)
            {
                await using var seen = await db.CreateCommand(
                    "SELECT usename || ' ' || coalesce(state, '') || ' ' || left(query, 60) FROM pg_stat_activity WHERE datname = current_database()").ExecuteReaderAsync();
                while (await seen.ReadAsync())
                {
                    output.WriteLine(seen.GetString(0));
                }

                output.WriteLine($"in COPY: {await CopyingAsync()}; uploads: {string.Join(", ", uploads.Select(u => u.Status))}");
                throw;
            }

            var clock = Stopwatch.StartNew();
            var sales = await Task.WhenAll(Enumerable.Range(0, Sales).Select(async _ =>
            {
                using var till = fixture.CreateApiClient();
                using var response = await till.PostAsJsonAsync("/api/stock/sale", new MovementRequest(store.Id, product.Id, null, 1));
                return $"{(int)response.StatusCode} {(response.IsSuccessStatusCode ? "" : await response.Content.ReadAsStringAsync())}";
            }));
            var selling = clock.Elapsed;
            Assert.All(sales, sale => Assert.Equal("201 ", sale));
            Assert.True(await CopyingAsync() >= Staging, "the uploads were still streaming when the sales had their answers");

            bodies.ForEach(body => body.Release());
            var operations = await Task.WhenAll(uploads); // each 202 with its operation
            var done = await Task.WhenAll(operations.Select(o => FinishedAsync(admin, o.Id, Deadline)));
            Assert.All(done, o => Assert.Equal((OperationStatuses.Succeeded, 2, 0), (o.Status, o.RowsDone, o.RowsFailed)));
            Assert.Equal(100m - Sales + 2 * Uploads, await _api.OnHandAsync(store.Id, product.Id));
            Assert.Equal(0, await _api.InconsistentLevelsAsync());
            output.WriteLine($"{Sales} parallel sales beside {Uploads} open uploads: all 201 in {selling.TotalMilliseconds:0} ms");
        }
        finally
        {
            bodies.ForEach(body => body.Release());
        }
    }

    [Fact]
    public async Task A_request_that_finds_no_free_connection_in_time_is_a_503_to_retry_not_a_500()
    {
        var connectionString = new NpgsqlConnectionStringBuilder((await fixture.App.GetConnectionStringAsync(ResourceNames.BazaarDb))!)
        {
            MaxPoolSize = 1,
            Timeout = 1,
        };
        await using var db = NpgsqlDataSource.Create(connectionString);
        await using var held = await db.OpenConnectionAsync();
        var exhausted = await Assert.ThrowsAnyAsync<NpgsqlException>(async () => await db.OpenConnectionAsync());

        Assert.True(ProblemExceptionHandler.IsPoolExhausted(exhausted), exhausted.ToString());
        Assert.False(ProblemExceptionHandler.IsPoolExhausted(new NpgsqlException("Exception while reading from stream", new TimeoutException())));
    }

    /// <summary>
    /// A CSV body whose client is slow: <c>head</c> at once, then a blank line (which is no row) every
    /// 20 ms, above Kestrel's minimum request data rate, until <see cref="Release"/>; then <c>tail</c>.
    /// </summary>
    private sealed class HeldUpload : HttpContent
    {
        private readonly string _head;
        private readonly string _tail;
        private readonly TaskCompletionSource _release = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public HeldUpload(string head, string tail)
        {
            (_head, _tail) = (head, tail);
            Headers.ContentType = new MediaTypeHeaderValue("text/csv") { CharSet = "utf-8" };
        }

        public bool Released => _release.Task.IsCompleted;

        public void Release() => _release.TrySetResult();

        protected override async Task SerializeToStreamAsync(Stream stream, TransportContext? context)
        {
            await stream.WriteAsync(Encoding.UTF8.GetBytes(_head));
            await stream.FlushAsync();
            var blank = Encoding.UTF8.GetBytes(string.Concat(Enumerable.Repeat("\r\n", 8)));
            var deadline = Stopwatch.StartNew();
            while (!_release.Task.IsCompleted && deadline.Elapsed < TimeSpan.FromSeconds(60))
            {
                await Task.WhenAny(_release.Task, Task.Delay(20));
                await stream.WriteAsync(blank);
                await stream.FlushAsync();
            }

            await stream.WriteAsync(Encoding.UTF8.GetBytes(_tail));
        }

        protected override bool TryComputeLength(out long length)
        {
            length = -1;
            return false;
        }
    }
}
