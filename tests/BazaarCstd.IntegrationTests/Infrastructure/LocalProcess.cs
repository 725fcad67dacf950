namespace BazaarCstd.IntegrationTests.Infrastructure;

/// <summary>
/// A process on this machine as <c>/proc</c> shows it: what the chaos tests need to find a server
/// or a service of their own app among its process tree, and nothing else's.
/// </summary>
public sealed record LocalProcess(int Pid, int ParentPid, string Name, string CommandLine)
{
    /// <summary><paramref name="root"/> and every process below it, each after its parent.</summary>
    public static List<LocalProcess> TreeOf(int root)
    {
        var all = All();
        var tree = all.Where(p => p.Pid == root).ToList();
        for (var i = 0; i < tree.Count; i++)
        {
            tree.AddRange(all.Where(p => p.ParentPid == tree[i].Pid));
        }

        return tree;
    }

    public static bool IsRunning(int pid)
    {
        // A killed process stays a zombie until its parent reaps it: state Z is gone too.
        var stat = Read($"/proc/{pid}/stat");
        return stat is not null && Fields(stat) is [var state, ..] && state != "Z";
    }

    /// <summary>The value of one of the process's environment variables, as it was started with.</summary>
    public string? Environment(string name)
    {
        var environ = Read($"/proc/{Pid}/environ");
        return environ?.Split('\0').Where(v => v.StartsWith(name + "=", StringComparison.Ordinal))
            .Select(v => v[(name.Length + 1)..]).FirstOrDefault();
    }

    /// <summary>SIGKILL: no shutdown code runs, sockets close as the kernel tears the process down.</summary>
    public static void Kill(int pid) => System.Diagnostics.Process.GetProcessById(pid).Kill();

    private static List<LocalProcess> All()
    {
        var found = new List<LocalProcess>();
        foreach (var dir in Directory.EnumerateDirectories("/proc"))
        {
            if (!int.TryParse(Path.GetFileName(dir), out var pid) || Read($"{dir}/stat") is not { } stat)
            {
                continue;
            }

            // "pid (comm) state ppid …": the name may hold spaces and parentheses.
            var name = stat[(stat.IndexOf('(') + 1)..stat.LastIndexOf(')')];
            if (Fields(stat) is [var state, var ppid, ..] && state != "Z")
            {
                found.Add(new LocalProcess(pid, int.Parse(ppid, System.Globalization.CultureInfo.InvariantCulture), name,
                    Read($"{dir}/cmdline")?.Replace('\0', ' ').Trim() ?? ""));
            }
        }

        return found;
    }

    private static string[] Fields(string stat) => stat[(stat.LastIndexOf(')') + 2)..].Split(' ');

    private static string? Read(string path)
    {
        try
        {
            return File.ReadAllText(path);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            return null; // it ended while we looked
        }
    }
}
