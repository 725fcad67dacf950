using BazaarCstd.IntegrationTests.Infrastructure;

namespace BazaarCstd.IntegrationTests.Foundation;

/// <summary>
/// Starts a second, private copy of the app (its own data root), disposes it, and checks that no
/// server process it started is left: a process belongs to the app when its command line or its
/// working folder is under the app's data root.
/// </summary>
public sealed class ShutdownTests
{
    [Fact]
    public async Task Disposing_the_app_leaves_no_server_process_behind()
    {
        var runner = await AppHostRunner.StartAsync();
        var dataRoot = runner.DataRoot;
        var before = ProcessesUnder(dataRoot);
        Assert.Contains(before, p => p.Name == "postgres");
        Assert.Contains(before, p => p.Name == "redis-server");
        Assert.Contains(before, p => p.Name == "beam.smp");

        await runner.DisposeAsync();

        await Eventually.IsTrueAsync(() => Task.FromResult(ProcessesUnder(dataRoot).Count == 0),
            TimeSpan.FromSeconds(30), $"every server process under {dataRoot} to exit");
    }

    private sealed record ServerProcess(int Pid, string Name);

    private static List<ServerProcess> ProcessesUnder(string dataRoot)
    {
        var found = new List<ServerProcess>();
        foreach (var dir in Directory.EnumerateDirectories("/proc"))
        {
            if (!int.TryParse(Path.GetFileName(dir), out var pid))
            {
                continue;
            }

            try
            {
                // A zombie has an empty command line and no working folder: it is already gone.
                var cmdline = File.ReadAllText(Path.Combine(dir, "cmdline")).Replace('\0', ' ');
                var cwd = new FileInfo(Path.Combine(dir, "cwd")).LinkTarget ?? "";
                if (cmdline.Contains(dataRoot, StringComparison.Ordinal) || cwd.StartsWith(dataRoot, StringComparison.Ordinal))
                {
                    var name = File.ReadAllText(Path.Combine(dir, "comm")).Trim();
                    found.Add(new ServerProcess(pid, name));
                }
            }
            catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
            {
                // The process ended while we looked.
            }
        }

        return found;
    }
}
