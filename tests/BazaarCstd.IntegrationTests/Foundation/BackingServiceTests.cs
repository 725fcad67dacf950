using System.Text;
using BazaarCstd.Contracts;
using BazaarCstd.IntegrationTests.Infrastructure;
using Npgsql;
using RabbitMQ.Client;
using StackExchange.Redis;

namespace BazaarCstd.IntegrationTests.Foundation;

[Collection(BazaarAppCollection.Name)]
public sealed class BackingServiceTests(BazaarAppFixture fixture)
{
    private async Task<string> ConnectionString(string resource) =>
        await fixture.App.GetConnectionStringAsync(resource) ?? throw new InvalidOperationException($"No connection string for {resource}.");

    [Fact]
    public async Task A_row_committed_on_the_primary_shows_up_on_the_replica_within_5_seconds()
    {
        var table = $"replication_probe_{Guid.NewGuid():N}";
        var marker = Guid.NewGuid().ToString();

        await using var primary = NpgsqlDataSource.Create(await ConnectionString(ResourceNames.BazaarDb));
        await primary.CreateCommand($"CREATE TABLE public.{table} (marker text primary key)").ExecuteNonQueryAsync();
        // The replica's connection logs in as the application role, like the services that use it.
        await primary.CreateCommand($"GRANT SELECT ON public.{table} TO {DatabaseRoles.Application}").ExecuteNonQueryAsync();
        try
        {
            await using (var insert = primary.CreateCommand($"INSERT INTO public.{table} VALUES ($1)"))
            {
                insert.Parameters.AddWithValue(marker);
                await insert.ExecuteNonQueryAsync();
            }

            await using var replica = NpgsqlDataSource.Create(await ConnectionString(ResourceNames.BazaarDbReadOnly));
            await Eventually.IsTrueAsync(async () =>
            {
                await using var select = replica.CreateCommand($"SELECT count(*) FROM public.{table} WHERE marker = $1");
                select.Parameters.AddWithValue(marker);
                return (long)(await select.ExecuteScalarAsync())! == 1;
            }, TimeSpan.FromSeconds(5), "the row to replicate");
        }
        finally
        {
            await primary.CreateCommand($"DROP TABLE public.{table}").ExecuteNonQueryAsync();
        }
    }

    [Fact]
    public async Task The_replica_is_in_recovery_and_rejects_writes()
    {
        await using var replica = NpgsqlDataSource.Create(await ConnectionString(ResourceNames.BazaarDbReadOnly));

        Assert.True((bool)(await replica.CreateCommand("SELECT pg_is_in_recovery()").ExecuteScalarAsync())!);
        var error = await Assert.ThrowsAsync<PostgresException>(() =>
            replica.CreateCommand("CREATE TABLE public.must_not_exist (id int)").ExecuteNonQueryAsync());
        Assert.Equal(PostgresErrorCodes.ReadOnlySqlTransaction, error.SqlState);
    }

    [Fact]
    public async Task The_primary_is_not_in_recovery_and_has_the_bazaar_schema()
    {
        await using var primary = NpgsqlDataSource.Create(await ConnectionString(ResourceNames.BazaarDb));

        Assert.False((bool)(await primary.CreateCommand("SELECT pg_is_in_recovery()").ExecuteScalarAsync())!);
        var schemas = (long)(await primary.CreateCommand("SELECT count(*) FROM information_schema.schemata WHERE schema_name = 'bazaar'").ExecuteScalarAsync())!;
        Assert.Equal(1, schemas);
    }

    [Fact]
    public async Task Redis_round_trips_a_value()
    {
        await using var redis = await ConnectionMultiplexer.ConnectAsync(await ConnectionString(ResourceNames.Cache));
        var db = redis.GetDatabase();
        var key = $"test:{Guid.NewGuid():N}";

        Assert.True(await db.StringSetAsync(key, "sold-3-units", TimeSpan.FromMinutes(1)));
        Assert.Equal("sold-3-units", (string?)await db.StringGetAsync(key));
    }

    [Fact]
    public async Task RabbitMQ_publishes_with_confirms_and_delivers_through_the_inventory_exchange()
    {
        var factory = new ConnectionFactory { Uri = new Uri(await ConnectionString(ResourceNames.Messaging)) };
        await using var connection = await factory.CreateConnectionAsync();
        await using var channel = await connection.CreateChannelAsync(
            new CreateChannelOptions(publisherConfirmationsEnabled: true, publisherConfirmationTrackingEnabled: true));

        // The worker declares the exchange when it starts; a passive declare fails until it has.
        await Eventually.IsTrueAsync(async () =>
        {
            await using var probe = await connection.CreateChannelAsync();
            await probe.ExchangeDeclarePassiveAsync(Messaging.InventoryExchange);
            return true;
        }, TimeSpan.FromSeconds(30), "the worker to declare the inventory exchange");

        var queue = (await channel.QueueDeclareAsync(queue: "", durable: false, exclusive: true, autoDelete: true)).QueueName;
        var routingKey = $"test.{Guid.NewGuid():N}";
        await channel.QueueBindAsync(queue, Messaging.InventoryExchange, routingKey);

        var body = Encoding.UTF8.GetBytes("{\"type\":\"stock.changed\"}");
        // With confirmation tracking on, this returns only once the broker has confirmed it.
        await channel.BasicPublishAsync(Messaging.InventoryExchange, routingKey, mandatory: true,
            basicProperties: new BasicProperties { MessageId = Guid.NewGuid().ToString() }, body: body);

        var delivered = await Eventually.ReturnsAsync(() => channel.BasicGetAsync(queue, autoAck: true), TimeSpan.FromSeconds(5), "the message");
        Assert.Equal(body, delivered.Body.ToArray());
    }
}
