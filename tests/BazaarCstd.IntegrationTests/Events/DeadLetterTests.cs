using System.Net.Http.Json;
using System.Text;
using BazaarCstd.Contracts;
using BazaarCstd.Contracts.Events;
using BazaarCstd.IntegrationTests.Alerts;
using BazaarCstd.IntegrationTests.Infrastructure;
using BazaarCstd.IntegrationTests.Inventory;
using RabbitMQ.Client;

namespace BazaarCstd.IntegrationTests.Events;

/// <summary>
/// Dead letters as an administrator reads and replays them. The rows are seeded as the database owner
/// (the Worker's dead-letter consumer is not needed), each pointing at a queue the test declares.
/// </summary>
[Collection(BazaarAppCollection.Name)]
public sealed class DeadLetterTests(BazaarAppFixture fixture)
{
    private readonly StoreAccounts _accounts = new(fixture);

    [Fact]
    public async Task A_replay_publishes_the_body_to_its_queue_once_with_its_message_id_and_without_the_death_headers()
    {
        await using var rabbit = await ConnectAsync();
        await using var channel = await rabbit.CreateChannelAsync();
        var queue = await DeclareQueueAsync(channel);
        try
        {
            var messageId = Guid.NewGuid().ToString();
            const string Body = """{"id":42,"type":"stock.changed","payload":{"onHand":3}}""";
            var id = await SeedAsync(messageId, queue, Body,
                """{"traceparent":"00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01","x-death":[{"count":5,"queue":"q"}],"x-first-death-queue":"q","x-last-death-reason":"delivery_limit","x-delivery-count":5,"x-attempt":2}""");
            using var admin = fixture.CreateApiClient();

            var waiting = await admin.GetFromJsonAsync<Page<DeadLetter>>("/api/admin/dead-letters?waiting=true&limit=500");
            var listed = Assert.Single(waiting!.Items, d => d.Id == id);
            Assert.Equal((messageId, queue, Body, (DateTimeOffset?)null), (listed.MessageId, listed.Queue, listed.Body, listed.ReplayedAt));

            using var replay = await admin.PostAsJsonAsync("/api/admin/dead-letters/replay", new DeadLetterReplayRequest([id, long.MaxValue]));
            Assert.Equal(HttpStatusCode.OK, replay.StatusCode);
            Assert.Equal([id], (await replay.Content.ReadFromJsonAsync<DeadLetterReplayResult>())!.Replayed);

            var delivered = await Eventually.ReturnsAsync(() => channel.BasicGetAsync(queue, autoAck: true), TimeSpan.FromSeconds(10), "the replayed message");
            Assert.Equal(Body, Encoding.UTF8.GetString(delivered.Body.Span));
            Assert.Equal(messageId, delivered.BasicProperties.MessageId);
            Assert.True(delivered.BasicProperties.Persistent);
            var headers = delivered.BasicProperties.Headers!;
            // The replay's publishing span is a child of the original context: same trace.
            Assert.StartsWith("00-0af7651916cd43dd8448eb211c80319c-", Encoding.UTF8.GetString((byte[])headers["traceparent"]!));
            Assert.Equal(2L, Convert.ToInt64(headers["x-attempt"]));
            Assert.DoesNotContain(headers.Keys, k => k.StartsWith("x-death", StringComparison.Ordinal) || k.StartsWith("x-first-death", StringComparison.Ordinal)
                || k.StartsWith("x-last-death", StringComparison.Ordinal) || k == "x-delivery-count");

            // Replayed now: no longer waiting, and a second replay publishes nothing.
            var replayed = await admin.GetFromJsonAsync<Page<DeadLetter>>("/api/admin/dead-letters?waiting=false&limit=500");
            Assert.NotNull(Assert.Single(replayed!.Items, d => d.Id == id).ReplayedAt);
            Assert.DoesNotContain((await admin.GetFromJsonAsync<Page<DeadLetter>>("/api/admin/dead-letters?waiting=true&limit=500"))!.Items, d => d.Id == id);
            using var again = await admin.PostAsJsonAsync("/api/admin/dead-letters/replay", new DeadLetterReplayRequest([id]));
            Assert.Empty((await again.Content.ReadFromJsonAsync<DeadLetterReplayResult>())!.Replayed);
            Assert.Equal(0u, await channel.MessageCountAsync(queue));
        }
        finally
        {
            await channel.QueueDeleteAsync(queue);
        }
    }

    [Fact]
    public async Task Ten_parallel_replays_of_one_dead_letter_publish_it_exactly_once()
    {
        await using var rabbit = await ConnectAsync();
        await using var channel = await rabbit.CreateChannelAsync();
        var queue = await DeclareQueueAsync(channel);
        try
        {
            var id = await SeedAsync(Guid.NewGuid().ToString(), queue, "{\"race\":true}", "{}");
            using var admin = fixture.CreateApiClient();

            var answers = await AllAtOnce.RunAsync(Enumerable.Range(0, 10), async _ =>
            {
                using var response = await admin.PostAsJsonAsync("/api/admin/dead-letters/replay", new DeadLetterReplayRequest([id]));
                return (response.StatusCode, (await response.Content.ReadFromJsonAsync<DeadLetterReplayResult>())?.Replayed);
            });

            Assert.All(answers, a => Assert.Equal(HttpStatusCode.OK, a.StatusCode));
            Assert.Single(answers, a => a.Replayed is [var replayed] && replayed == id);
            Assert.Equal(9, answers.Count(a => a.Replayed is []));
            await Eventually.IsTrueAsync(async () => await channel.MessageCountAsync(queue) == 1, TimeSpan.FromSeconds(10), "the replayed message");
            Assert.NotNull(await channel.BasicGetAsync(queue, autoAck: true));
            Assert.Null(await channel.BasicGetAsync(queue, autoAck: true));
        }
        finally
        {
            await channel.QueueDeleteAsync(queue);
        }
    }

    [Fact]
    public async Task A_replay_RabbitMQ_cannot_deliver_is_503_and_the_dead_letter_stays_waiting()
    {
        var id = await SeedAsync(Guid.NewGuid().ToString(), $"test.gone.{Guid.NewGuid():N}", "{}", "{}");
        using var admin = fixture.CreateApiClient();

        using var replay = await admin.PostAsJsonAsync("/api/admin/dead-letters/replay", new DeadLetterReplayRequest([id]));

        var problem = await InventoryApi.AssertProblem(replay, HttpStatusCode.ServiceUnavailable);
        Assert.EndsWith("/messaging-unavailable", problem.GetProperty("type").GetString());
        Assert.NotNull(replay.Headers.RetryAfter);
        var waiting = await admin.GetFromJsonAsync<Page<DeadLetter>>("/api/admin/dead-letters?waiting=true&limit=500");
        Assert.Null(Assert.Single(waiting!.Items, d => d.Id == id).ReplayedAt);
    }

    [Fact]
    public async Task Only_admins_see_dead_letters_and_a_replay_names_1_to_100_ids()
    {
        var store = await new InventoryApi(fixture).NewStoreAsync();
        using var manager = await _accounts.UserAsync("STORE_MANAGER", store.Id);
        using (var list = await manager.GetAsync("/api/admin/dead-letters"))
        {
            await InventoryApi.AssertProblem(list, HttpStatusCode.Forbidden);
        }

        using (var replay = await manager.PostAsJsonAsync("/api/admin/dead-letters/replay", new DeadLetterReplayRequest([1])))
        {
            await InventoryApi.AssertProblem(replay, HttpStatusCode.Forbidden);
        }

        using var admin = fixture.CreateApiClient();
        foreach (var body in new object[] { new { }, new DeadLetterReplayRequest([]), new DeadLetterReplayRequest([.. Enumerable.Range(1, 101).Select(i => (long)i)]) })
        {
            using var response = await admin.PostAsJsonAsync("/api/admin/dead-letters/replay", body);
            var problem = await InventoryApi.AssertProblem(response, HttpStatusCode.BadRequest);
            Assert.True(problem.GetProperty("errors").TryGetProperty("ids", out _));
        }

        using var badLimit = await admin.GetAsync("/api/admin/dead-letters?limit=0");
        await InventoryApi.AssertProblem(badLimit, HttpStatusCode.BadRequest);
    }

    private async Task<IConnection> ConnectAsync()
    {
        var factory = new ConnectionFactory { Uri = new Uri((await fixture.App.GetConnectionStringAsync(ResourceNames.Messaging))!) };
        return await factory.CreateConnectionAsync();
    }

    /// <summary>A durable queue of the test's own (not exclusive: the API publishes to it from its own connection).</summary>
    private static async Task<string> DeclareQueueAsync(IChannel channel)
    {
        var queue = $"test.replay.{Guid.NewGuid():N}";
        await channel.QueueDeclareAsync(queue, durable: true, exclusive: false, autoDelete: false);
        return queue;
    }

    private async Task<long> SeedAsync(string messageId, string queue, string body, string headersJson)
    {
        await using var db = await _accounts.OwnerAsync();
        await using var command = db.CreateCommand("""
            INSERT INTO bazaar.dead_letters (message_id, exchange, routing_key, queue, reason, delivery_count, headers, body)
            VALUES ($1, 'bazaar.inventory', 'stock.changed', $2, 'delivery_limit', 5, $3::jsonb, $4)
            RETURNING id
            """);
        command.Parameters.AddWithValue(messageId);
        command.Parameters.AddWithValue(queue);
        command.Parameters.AddWithValue(headersJson);
        command.Parameters.AddWithValue(Encoding.UTF8.GetBytes(body));
        return (long)(await command.ExecuteScalarAsync())!;
    }
}
