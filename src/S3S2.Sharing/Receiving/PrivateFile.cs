namespace S3S2.Sharing.Receiving;

/// <summary>Creates files only the current user can read (0600 on Unix): received plaintext is the receiver's alone.</summary>
internal static class PrivateFile
{
    public static FileStream CreateNew(string path, int bufferSize)
    {
        var options = new FileStreamOptions { Mode = FileMode.CreateNew, Access = FileAccess.Write, Share = FileShare.None, BufferSize = bufferSize };
        if (!OperatingSystem.IsWindows())
        {
            options.UnixCreateMode = UnixFileMode.UserRead | UnixFileMode.UserWrite;
        }

        return new FileStream(path, options);
    }
}
