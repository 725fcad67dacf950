using BazaarCstd.AppHost.Infrastructure;

namespace BazaarCstd.IntegrationTests.LocalSecrets;

/// <summary>
/// The data root check on folders planted the way a local user would (no app: the check's own code
/// on a temporary folder). A fallback root under /var/tmp has a predictable name; whatever is
/// there when the AppHost starts must be its user's own and closed to others, or it refuses to start.
/// </summary>
[System.Runtime.Versioning.UnsupportedOSPlatform("windows")]
public sealed class DataRootOwnershipTests : IDisposable
{
    private readonly string _root = Directory.CreateTempSubdirectory("bazaar-owner-").FullName;

    [Fact]
    public void A_folder_of_our_own_that_others_cannot_write_passes()
    {
        File.SetUnixFileMode(_root, (UnixFileMode)Convert.ToInt32("755", 8));
        var key = Plant("secrets/jwt-signing-key", "600");

        Assert.Null(DataRootOwnership.Problem(_root, directory: true));
        Assert.Null(DataRootOwnership.Problem(key, directory: false));
        Assert.Null(DataRootOwnership.Problem(Path.Combine(_root, "not-there-yet"), directory: true));
        DataRootOwnership.Demand(_root, directory: true);
    }

    [Fact]
    public void A_world_writable_folder_or_secret_is_refused_with_a_message_that_says_what_to_do()
    {
        File.SetUnixFileMode(_root, (UnixFileMode)Convert.ToInt32("777", 8));
        var planted = Plant("secrets/jwt-signing-key", "666");

        Assert.Contains("can be written by its group or by others (mode 777)", DataRootOwnership.Problem(_root, directory: true), StringComparison.Ordinal);
        Assert.Contains("mode 666", DataRootOwnership.Problem(planted, directory: false), StringComparison.Ordinal);
        File.SetUnixFileMode(_root, (UnixFileMode)Convert.ToInt32("775", 8));
        Assert.NotNull(DataRootOwnership.Problem(_root, directory: true));

        var refused = Assert.Throws<DistributedApplicationException>(() => DataRootOwnership.Demand(_root, directory: true));
        Assert.Contains("Refusing to start", refused.Message, StringComparison.Ordinal);
        Assert.Contains(_root, refused.Message, StringComparison.Ordinal);
        Assert.Contains("Bazaar:DataRoot", refused.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_symbolic_link_or_a_file_in_place_of_a_folder_is_refused()
    {
        var target = Directory.CreateDirectory(Path.Combine(_root, "elsewhere")).FullName;
        var link = Path.Combine(_root, "bazaar-link");
        File.CreateSymbolicLink(link, target);
        var file = Plant("a-file", "600");

        Assert.Contains("is a symbolic link", DataRootOwnership.Problem(link, directory: true), StringComparison.Ordinal);
        Assert.Contains("is not a folder", DataRootOwnership.Problem(file, directory: true), StringComparison.Ordinal);
    }

    [Fact]
    public void A_folder_that_belongs_to_another_user_is_refused()
    {
        // Planting as another user needs root to hand the folder over; the suite runs as root in CI.
        if (Environment.UserName != "root")
        {
            Assert.Null(DataRootOwnership.Problem(_root, directory: true));
            return;
        }

        File.SetUnixFileMode(_root, (UnixFileMode)Convert.ToInt32("755", 8));
        using (var chown = System.Diagnostics.Process.Start("chown", ["65534:65534", _root]))
        {
            chown.WaitForExit();
            Assert.Equal(0, chown.ExitCode);
        }

        Assert.Contains("belongs to user id 65534", DataRootOwnership.Problem(_root, directory: true), StringComparison.Ordinal);
    }

    public void Dispose() => Directory.Delete(_root, recursive: true);

    private string Plant(string relative, string mode)
    {
        var path = Path.Combine(_root, relative);
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        File.WriteAllText(path, "planted");
        File.SetUnixFileMode(path, (UnixFileMode)Convert.ToInt32(mode, 8));
        return path;
    }
}
