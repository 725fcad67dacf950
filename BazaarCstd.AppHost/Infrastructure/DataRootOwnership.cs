using System.Runtime.InteropServices;
using System.Text;

namespace BazaarCstd.AppHost.Infrastructure;

/// <summary>
/// The check that the local data (the PostgreSQL superuser's password, the JWT signing key…) is the
/// AppHost user's own, made on every start for the data root, its <c>secrets/</c> folder and each
/// secret file: a real folder or file (not a symbolic link), owned by the user running the AppHost,
/// and not writable by its group or by others. Otherwise somebody else could have made it before us
/// (the fallback root's name under <c>/var/tmp</c> is predictable) and planted a signing key of their
/// own; <see cref="LocalDataRoot"/> then refuses to start. Public for the tests, which run it on
/// folders they plant.
/// </summary>
public static class DataRootOwnership
{
    private const int AtFdCwd = -100;
    private const int AtSymlinkNoFollow = 0x100;
    private const uint StatxType = 0x1;
    private const uint StatxMode = 0x2;
    private const uint StatxUid = 0x8;
    private const int TypeMask = 0xF000;
    private const int Directory = 0x4000;
    private const int RegularFile = 0x8000;
    private const int SymbolicLink = 0xA000;
    private const int GroupOrOtherWrite = 0x12; // 0o022

    /// <summary>Why <paramref name="path"/> cannot be trusted, or null when it can (or does not exist).</summary>
    public static string? Problem(string path, bool directory)
    {
        // statx: its buffer has one layout on every architecture (stx_uid at 20, stx_mode at 28).
        var buffer = new byte[256];
        if (StatX(AtFdCwd, NullTerminated(path), AtSymlinkNoFollow, StatxType | StatxMode | StatxUid, buffer) != 0)
        {
            var errno = Marshal.GetLastPInvokeError();
            return errno == 2 ? null : $"'{path}' cannot be examined (errno {errno})";
        }

        var uid = BitConverter.ToUInt32(buffer, 20);
        var mode = BitConverter.ToUInt16(buffer, 28);
        var me = GetEffectiveUserId();
        return (mode & TypeMask) switch
        {
            SymbolicLink => $"'{path}' is a symbolic link",
            var type when type != (directory ? Directory : RegularFile) => $"'{path}' is not a {(directory ? "folder" : "file")}",
            _ when uid != me => $"'{path}' belongs to user id {uid}, not to the user running the AppHost (id {me})",
            _ when (mode & GroupOrOtherWrite) != 0 => $"'{path}' can be written by its group or by others (mode {Convert.ToString(mode & 0x1FF, 8)})",
            _ => null,
        };
    }

    /// <summary>Throws, saying what to do, when <see cref="Problem"/> finds one.</summary>
    public static void Demand(string path, bool directory)
    {
        if (Problem(path, directory) is { } problem)
        {
            throw new DistributedApplicationException(
                $"[bazaar] Refusing to start: {problem}. The local data (database passwords, the token signing key) must be yours alone; " +
                "somebody else may have created it to plant secrets of their own. Inspect it, then remove it or fix its owner and mode " +
                "(chown, chmod go-w), or set Bazaar:DataRoot to a folder you own.");
        }
    }

    private static byte[] NullTerminated(string path) => Encoding.UTF8.GetBytes(path + "\0");

#pragma warning disable SYSLIB1054 // LibraryImport would need unsafe code in this project; byte arrays marshal as they are.
    [DllImport("libc", EntryPoint = "statx", SetLastError = true)]
    private static extern int StatX(int dirfd, byte[] pathname, int flags, uint mask, [Out] byte[] statxbuf);

    [DllImport("libc", EntryPoint = "geteuid")]
    private static extern uint GetEffectiveUserId();
#pragma warning restore SYSLIB1054
}
