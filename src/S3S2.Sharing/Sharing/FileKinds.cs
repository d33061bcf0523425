using System.Runtime.InteropServices;

namespace S3S2.Sharing.Sharing;

/// <summary>
/// Tells regular files from FIFOs, devices and sockets without opening them: opening a FIFO blocks until a writer
/// appears, and a device may never end, so a share must refuse them before it reads. .NET exposes no file type, so on
/// Linux this asks <c>statx(2)</c>, whose result layout is the same on every architecture; elsewhere the answer is
/// "regular" (macOS and Windows shares rely on the read itself).
/// </summary>
internal static class FileKinds
{
    private const int AtFdCwd = -100;
    private const uint StatxType = 0x1;
    private const int FileTypeMask = 0xF000;
    private const int RegularFile = 0x8000;

    // struct statx is 256 bytes; stx_mode is a 16-bit field at offset 28 (linux/stat.h).
    private const int StatxSize = 256;
    private const int ModeOffset = 28;

    /// <summary>Returns the kind of a non-regular file ("a FIFO (named pipe)", ...), or <see langword="null"/> for a regular file.</summary>
    public static string? NonRegularKind(string path)
    {
        if (!OperatingSystem.IsLinux())
        {
            return null;
        }

        var buffer = new byte[StatxSize];
        int result;
        try
        {
            result = Statx(AtFdCwd, System.Text.Encoding.UTF8.GetBytes(path + "\0"), 0, StatxType, buffer);
        }
        catch (Exception ex) when (ex is EntryPointNotFoundException or DllNotFoundException)
        {
            return null; // a C library without statx: the read itself decides
        }

        if (result != 0)
        {
            return null; // the open that follows reports a missing or unreadable file with its own message
        }

        var type = BitConverter.ToUInt16(buffer, ModeOffset) & FileTypeMask;
        return type switch
        {
            RegularFile => null,
            0x1000 => "a FIFO (named pipe)",
            0x2000 => "a character device",
            0x6000 => "a block device",
            0xC000 => "a socket",
            _ => "not a regular file",
        };
    }

    // DllImport rather than LibraryImport: the generated stub would need unsafe code enabled for the whole library.
#pragma warning disable SYSLIB1054
    [DllImport("libc", EntryPoint = "statx", ExactSpelling = true)]
    private static extern int Statx(int directoryFd, byte[] nullTerminatedUtf8Path, int flags, uint mask, [Out] byte[] buffer);
#pragma warning restore SYSLIB1054
}
