namespace BazaarCstd.Chaos;

/// <summary>
/// The running app a chaos run works on, started by whoever runs it (the console through
/// <c>AppHostRunner</c>, the smoke test through its fixture).
/// </summary>
/// <param name="App">The AppHost, for the API's address, connection strings, resource states and start commands.</param>
/// <param name="DataRoot">The app's data root: a process of this app is told from another app's by it.</param>
/// <param name="InstancesAsync">The instance ids of a resource (one per replica), e.g. <c>AppHostRunner.InstancesAsync</c>.</param>
public sealed record ChaosTarget(
    DistributedApplication App,
    string DataRoot,
    Func<string, CancellationToken, Task<string[]>> InstancesAsync);
