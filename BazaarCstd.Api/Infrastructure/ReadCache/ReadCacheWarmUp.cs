namespace BazaarCstd.Api.Infrastructure.ReadCache;

/// <summary>Creates the read cache (and so its Redis second level and backplane) as the API starts.</summary>
public sealed class ReadCacheWarmUp(IServiceProvider services) : IHostedService
{
    public Task StartAsync(CancellationToken cancellationToken)
    {
        _ = services.GetRequiredService<ReadCache>();
        return Task.CompletedTask;
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}
