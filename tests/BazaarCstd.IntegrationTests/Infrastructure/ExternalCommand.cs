using System.ComponentModel;
using System.Diagnostics;

namespace BazaarCstd.IntegrationTests.Infrastructure;

/// <summary>
/// Runs a command-line tool to its end (the OpenAPI linter, the AppHost's manifest publisher, the
/// benchmark): its exit code and its output (standard output, then standard error), bounded in time.
/// A command that cannot be started, or that outlives its time, fails the test; it is never a skip.
/// </summary>
internal static class ExternalCommand
{
    /// <summary>The clone the tests were built in: the folder above the AppHost project's (Aspire's metadata names the project's folder).</summary>
    public static string RepositoryRoot { get; } =
        Path.GetDirectoryName(Path.TrimEndingDirectorySeparator(Path.GetFullPath(Projects.BazaarCstd_AppHost.ProjectPath)))!;

    /// <param name="missing">What the failure says when the command cannot be started (what to install).</param>
    /// <param name="stopGently">
    /// Past the timeout, send SIGTERM first and allow 90 s before killing the process tree: a script
    /// that started an app stops it in its trap (the AppHost's orchestrator leaves the process tree,
    /// so killing the tree alone would leave the app's servers running).
    /// </param>
    public static async Task<(int Exit, string Output)> RunAsync(
        string command, IEnumerable<string> arguments, TimeSpan timeout, string missing,
        IReadOnlyDictionary<string, string>? environment = null, bool stopGently = false)
    {
        var start = new ProcessStartInfo(command)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = true,
            UseShellExecute = false,
        };
        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        foreach (var (name, value) in environment ?? new Dictionary<string, string>())
        {
            start.Environment[name] = value;
        }

        Process process;
        try
        {
            process = Process.Start(start)!;
        }
        catch (Win32Exception ex)
        {
            Assert.Fail($"'{command}' could not be started ({ex.Message}). {missing}");
            throw;
        }

        using (process)
        {
            process.StandardInput.Close();
            var stdout = process.StandardOutput.ReadToEndAsync();
            var stderr = process.StandardError.ReadToEndAsync();
            using var deadline = new CancellationTokenSource(timeout);
            try
            {
                await process.WaitForExitAsync(deadline.Token);
            }
            catch (OperationCanceledException)
            {
                if (stopGently)
                {
                    using var term = Process.Start("kill", ["-TERM", process.Id.ToString(System.Globalization.CultureInfo.InvariantCulture)]);
                    await term.WaitForExitAsync();
                }

                if (!stopGently || !process.WaitForExit(TimeSpan.FromSeconds(90)))
                {
                    process.Kill(entireProcessTree: true);
                }

                Assert.Fail($"{command} {string.Join(' ', arguments)} did not finish within {timeout.TotalMinutes:0} minutes:\n{Tail(await stdout + await stderr)}");
            }

            return (process.ExitCode, await stdout + await stderr);
        }
    }

    /// <summary>The last 40 lines of a tool's output, for a failure message.</summary>
    public static string Tail(string output) => string.Join('\n', output.Split('\n').TakeLast(40));
}
