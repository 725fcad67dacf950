namespace BazaarCstd.IntegrationTests.Infrastructure;

/// <summary>Waits for a condition with a deadline, polling; never a fixed sleep.</summary>
public static class Eventually
{
    public static async Task<T> ReturnsAsync<T>(Func<Task<T?>> probe, TimeSpan deadline, string what)
    {
        using var cts = new CancellationTokenSource(deadline);
        Exception? last = null;
        while (!cts.IsCancellationRequested)
        {
            try
            {
                if (await probe() is { } value)
                {
                    return value;
                }
            }
            catch (Exception ex)
            {
                last = ex;
            }

            try
            {
                await Task.Delay(50, cts.Token);
            }
            catch (OperationCanceledException)
            {
                break;
            }
        }

        throw new TimeoutException($"Timed out after {deadline.TotalSeconds:0.#} s waiting for {what}.", last);
    }

    public static Task IsTrueAsync(Func<Task<bool>> probe, TimeSpan deadline, string what) =>
        ReturnsAsync<object>(async () => await probe() ? new object() : null, deadline, what);
}
