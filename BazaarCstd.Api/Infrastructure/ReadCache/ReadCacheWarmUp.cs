using StackExchange.Redis;

namespace BazaarCstd.Api.Infrastructure.ReadCache;

/// <summary>
/// Creates the read cache (and so its Redis second level and backplane) as the API starts, and
/// subscribes to the other replicas' stock change marks, again every second until Redis takes the
/// subscription (the Redis client renews it itself after that).
/// </summary>
public sealed class ReadCacheWarmUp(ReadCache cache, ILogger<ReadCacheWarmUp> logger) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                await cache.SubscribeToStockChangesAsync();
                return;
            }
            catch (Exception ex) when (ex is RedisException or TimeoutException)
            {
                if (attempt == 1)
                {
                    logger.LogWarning("Not subscribed to stock change marks yet, retrying every second: {Reason}", ex.Message);
                }

                await Task.Delay(TimeSpan.FromSeconds(1), stoppingToken);
            }
        }
    }
}
