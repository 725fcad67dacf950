using System.Net.Sockets;
using RabbitMQ.Client;
using RabbitMQ.Client.Exceptions;

namespace BazaarCstd.Worker;

/// <summary>
/// The Worker rides out a RabbitMQ outage at any moment, its own start included, instead of exiting:
/// <list type="bullet">
/// <item><see cref="Open"/> replaces the Aspire client's connection factory, which gives up after 5
/// attempts (~31 s of back-off) and so ended a Worker started while the broker was down. This one
/// tries every <see cref="RetryDelay"/> until the broker answers or the Worker is stopped; until then
/// the Worker is not started and its probes fail, which is what it is.</item>
/// <item><see cref="UntilDoneAsync"/> repeats a step that needs the broker (declaring the topology,
/// opening a consumer's channel) while the connection is down: RabbitMQ.Client recovers an established
/// connection by itself, but a call made during the outage throws. A <c>kill -9</c> of RabbitMQ during
/// a Worker's start (bench/chaos.sh, 2026-12-04) made <see cref="MessagingTopology"/> throw
/// <see cref="AlreadyClosedException"/> from the host's start, and the Worker exited for good.</item>
/// </list>
/// </summary>
public static partial class BrokerConnection
{
    public static readonly TimeSpan RetryDelay = TimeSpan.FromSeconds(1);

    /// <summary>What an unreachable or lost broker throws (anything else is a real fault and is not retried).</summary>
    public static bool IsOutage(Exception ex) =>
        ex is BrokerUnreachableException or AlreadyClosedException or OperationInterruptedException or ConnectFailureException
            or SocketException or IOException or TimeoutException;

    /// <summary>The connection, however long the broker takes to answer (sync: it is made in a DI factory).</summary>
    public static IConnection Open(IConnectionFactory factory, ILogger logger, CancellationToken stopping) =>
        UntilDoneAsync(ct => factory.CreateConnectionAsync(ct), "connecting", logger, stopping).GetAwaiter().GetResult();

    public static Task UntilDoneAsync(Func<CancellationToken, Task> step, string what, ILogger logger, CancellationToken ct) =>
        UntilDoneAsync(async token => { await step(token); return true; }, what, logger, ct);

    public static async Task<T> UntilDoneAsync<T>(Func<CancellationToken, Task<T>> step, string what, ILogger logger, CancellationToken ct)
    {
        var waited = System.Diagnostics.Stopwatch.StartNew();
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                var result = await step(ct);
                if (attempt > 1)
                {
                    LogDone(logger, what, waited.Elapsed.TotalSeconds);
                }

                return result;
            }
            catch (Exception ex) when (IsOutage(ex) && !ct.IsCancellationRequested)
            {
                if (attempt == 1)
                {
                    LogWaiting(logger, ex.Message, what, RetryDelay.TotalSeconds);
                }

                await Task.Delay(RetryDelay, ct);
            }
        }
    }

    [LoggerMessage(LogLevel.Warning, "RabbitMQ is unavailable ({Reason}) while {What}; trying again every {Seconds} s until it is back")]
    private static partial void LogWaiting(ILogger logger, string reason, string what, double seconds);

    [LoggerMessage(LogLevel.Information, "RabbitMQ is back: {What} done after {Seconds:0.0} s of waiting")]
    private static partial void LogDone(ILogger logger, string what, double seconds);
}
