using BazaarCstd.Contracts;
using Npgsql;
using RabbitMQ.Client;

namespace BazaarCstd.Worker;

/// <summary>
/// On start: checks that PostgreSQL answers and declares the RabbitMQ topology the event flow relies
/// on (the <c>bazaar.inventory</c> topic exchange and the dead-letter exchange and queue), then logs
/// that the worker is ready. Declarations are idempotent, so every worker replica runs this.
/// </summary>
public sealed partial class MessagingTopology(
    NpgsqlDataSource database,
    IConnection messaging,
    ILogger<MessagingTopology> logger) : IHostedService
{
    public async Task StartAsync(CancellationToken cancellationToken)
    {
        await using (var command = database.CreateCommand("SELECT current_setting('server_version')"))
        {
            var version = (string?)await command.ExecuteScalarAsync(cancellationToken);
            LogDatabaseReady(version);
        }

        await using var channel = await messaging.CreateChannelAsync(cancellationToken: cancellationToken);
        await channel.ExchangeDeclareAsync(Messaging.InventoryExchange, ExchangeType.Topic, durable: true, autoDelete: false, cancellationToken: cancellationToken);
        await channel.ExchangeDeclareAsync(Messaging.DeadLetterExchange, ExchangeType.Fanout, durable: true, autoDelete: false, cancellationToken: cancellationToken);
        await channel.QueueDeclareAsync(Messaging.DeadLetterQueue, durable: true, exclusive: false, autoDelete: false, cancellationToken: cancellationToken);
        await channel.QueueBindAsync(Messaging.DeadLetterQueue, Messaging.DeadLetterExchange, routingKey: "", cancellationToken: cancellationToken);
        LogMessagingReady(Messaging.InventoryExchange);
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    [LoggerMessage(LogLevel.Information, "PostgreSQL {Version} is reachable")]
    private partial void LogDatabaseReady(string? version);

    [LoggerMessage(LogLevel.Information, "RabbitMQ topology declared (exchange {Exchange}); worker ready")]
    private partial void LogMessagingReady(string exchange);
}
