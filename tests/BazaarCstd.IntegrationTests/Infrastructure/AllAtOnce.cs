namespace BazaarCstd.IntegrationTests.Infrastructure;

/// <summary>
/// Starts calls together: each waits at one gate until all have been created, so they reach the
/// server as close to the same moment as the client can make them (races, not a queue).
/// </summary>
public static class AllAtOnce
{
    /// <summary>Calls <paramref name="call"/> once per item, all released together.</summary>
    public static async Task<TResult[]> RunAsync<TItem, TResult>(IEnumerable<TItem> items, Func<TItem, Task<TResult>> call)
    {
        using var gate = new SemaphoreSlim(0);
        var running = items.Select(async item =>
        {
            await gate.WaitAsync();
            return await call(item);
        }).ToList();
        gate.Release(running.Count);
        return await Task.WhenAll(running);
    }
}
