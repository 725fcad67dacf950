using System.Net;
using System.Net.Sockets;
using System.Security.Cryptography;
using System.Text;
using Microsoft.Extensions.Configuration;

namespace BazaarCstd.AppHost.Infrastructure;

/// <summary>
/// Where the local servers keep their data: <c>Bazaar:DataRoot</c> when set (tests use a fresh
/// temporary folder), otherwise <c>.bazaar/</c> at the repository root so a restart keeps the data.
/// PostgreSQL runs as the <c>postgres</c> user when the AppHost runs as root, and that user must be
/// able to traverse every parent folder; when it cannot (a clone under <c>/root</c>), the data goes
/// to <c>/var/tmp/bazaar-&lt;hash of the repository path&gt;</c> instead. That name is predictable, so
/// whatever the root, every start checks it, its <c>secrets/</c> folder and each secret file with
/// <see cref="DataRootOwnership"/> (ours, not a link, not group- or world-writable) and refuses to
/// start otherwise; secrets are created 0600 in a 0700 folder. The data root is 0755: the
/// <c>postgres</c> user must reach its server folders (each 0700 and its own).
/// </summary>
internal static class LocalDataRoot
{
    public const string ConfigurationKey = "Bazaar:DataRoot";
    public const string ResetKey = "Bazaar:ResetData";

    // Per builder, not static: the tests run two AppHosts in one process, each with its own root.
    private static readonly System.Runtime.CompilerServices.ConditionalWeakTable<IDistributedApplicationBuilder, string> s_paths = [];

    public static string Get(IDistributedApplicationBuilder builder)
    {
        if (!OperatingSystem.IsLinux())
        {
            throw new DistributedApplicationException(
                "Local infrastructure runs the Debian packages of PostgreSQL, Redis and RabbitMQ and needs Linux. Set Infrastructure:Mode=containers to use containers instead.");
        }

        if (s_paths.TryGetValue(builder, out var known))
        {
            return known;
        }

        var configured = builder.Configuration[ConfigurationKey];
        var path = !string.IsNullOrWhiteSpace(configured)
            ? Path.GetFullPath(configured)
            : Path.GetFullPath(Path.Combine(builder.AppHostDirectory, "..", ".bazaar"));

        if (Environment.UserName == "root" && !TraversableByOthers(path))
        {
            var hash = Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(path)))[..12];
            var fallback = Path.Combine("/var/tmp", $"bazaar-{hash}");
            Console.WriteLine(
                $"[bazaar] '{path}' is not reachable by the postgres user (a parent folder lacks o+x); keeping local data in '{fallback}' instead.");
            path = fallback;
        }

        if (string.Equals(builder.Configuration[ResetKey], "true", StringComparison.OrdinalIgnoreCase) && Directory.Exists(path))
        {
            Console.WriteLine($"[bazaar] wiping local data in '{path}' (--reset)");
            Directory.Delete(path, recursive: true);
        }

        // Checked after creating it: a folder somebody makes in between is caught too. Only then is its mode ours to set.
        Directory.CreateDirectory(path, (UnixFileMode)Convert.ToInt32("755", 8));
        DataRootOwnership.Demand(path, directory: true);
        File.SetUnixFileMode(path, (UnixFileMode)Convert.ToInt32("755", 8));
        s_paths.AddOrUpdate(builder, path);
        return path;
    }

    /// <summary>A secret kept beside the data it protects, generated on first use (0600, in the 0700 <c>secrets/</c> folder).</summary>
    public static string Secret(IDistributedApplicationBuilder builder, string name, int length = 24)
    {
        var dir = Path.Combine(Get(builder), "secrets");
        if (!OperatingSystem.IsLinux())
        {
            throw new PlatformNotSupportedException();
        }

        Directory.CreateDirectory(dir, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        DataRootOwnership.Demand(dir, directory: true);
        File.SetUnixFileMode(dir, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        var file = Path.Combine(dir, name);
        if (!File.Exists(file))
        {
            // Letters and digits only: the value ends up inside connection strings and SQL literals.
            WriteSecretFile(file, RandomNumberGenerator.GetString("abcdefghijkmnopqrstuvwxyzABCDEFGHJKLMNPQRSTUVWXYZ23456789", length));
        }

        DataRootOwnership.Demand(file, directory: false);
        File.SetUnixFileMode(file, UnixFileMode.UserRead | UnixFileMode.UserWrite); // files of earlier versions were 0644
        return File.ReadAllText(file).Trim();
    }

    /// <summary>Writes a file only its owner can read: 0600 from the moment it exists (replacing any earlier one).</summary>
    public static void WriteSecretFile(string path, string content)
    {
        if (OperatingSystem.IsWindows())
        {
            throw new PlatformNotSupportedException();
        }

        File.Delete(path);
        using var stream = new FileStream(path, new FileStreamOptions
        {
            Mode = FileMode.CreateNew,
            Access = FileAccess.Write,
            UnixCreateMode = UnixFileMode.UserRead | UnixFileMode.UserWrite,
        });
        stream.Write(System.Text.Encoding.UTF8.GetBytes(content));
    }

    /// <summary>A port that is free now, for processes that need a plain (unproxied) port.</summary>
    public static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    private static bool TraversableByOthers(string path)
    {
        for (var dir = new DirectoryInfo(path).Parent; dir is not null; dir = dir.Parent)
        {
            if (dir.Exists && (dir.UnixFileMode & UnixFileMode.OtherExecute) == 0)
            {
                return false;
            }
        }

        return true;
    }
}
