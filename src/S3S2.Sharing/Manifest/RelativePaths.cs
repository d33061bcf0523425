namespace S3S2.Sharing.Manifest;

/// <summary>
/// The one rule for the relative paths of shared files. The receiver applies it to manifests, which are untrusted
/// input: each path must name a file strictly inside the share's output folder on every operating system the receiver
/// might use. The sender applies the same rule, so it never makes a share the receiver would refuse.
/// </summary>
internal static class RelativePaths
{
    /// <summary>
    /// The longest path segment, in UTF-8 bytes. File systems allow 255 bytes per name; the receiver writes each file
    /// through a temporary name at most <see cref="MaxTemporaryNameExtraBytes"/> longer, so every segment a sender may
    /// use can also be received.
    /// </summary>
    public const int MaxSegmentBytes = 200;

    /// <summary>How many bytes the receiver's temporary name of a file may add to the file's own name (255 - 200 - 15 spare).</summary>
    public const int MaxTemporaryNameExtraBytes = 40;

    private static readonly HashSet<string> DeviceNames = new(
        ["CON", "PRN", "AUX", "NUL", "CONIN$", "CONOUT$", "COM1", "COM2", "COM3", "COM4", "COM5", "COM6", "COM7", "COM8", "COM9", "LPT1", "LPT2", "LPT3", "LPT4", "LPT5", "LPT6", "LPT7", "LPT8", "LPT9"],
        StringComparer.OrdinalIgnoreCase);

    /// <summary>Returns what is wrong with a relative path, or <see langword="null"/>.</summary>
    public static string? FindProblem(string? path)
    {
        if (string.IsNullOrEmpty(path))
        {
            return "is empty";
        }

        if (path.Length > 1024)
        {
            return "is longer than 1024 characters";
        }

        if (path.Any(char.IsControl))
        {
            return "contains NUL or another control character";
        }

        if (path.Length >= 2 && char.IsAsciiLetter(path[0]) && path[1] == ':')
        {
            return "starts with a drive letter";
        }

        if (path[0] == '/')
        {
            return "is absolute (starts with '/')";
        }

        if (path.Contains('\\', StringComparison.Ordinal))
        {
            return "contains '\\' (a Windows separator; manifests use '/')";
        }

        if (path.IndexOfAny([':', '<', '>', '"', '|', '?', '*']) >= 0)
        {
            return "contains one of : < > \" | ? * (not allowed in Windows file names; ':' also names drives and streams)";
        }

        foreach (var segment in path.Split('/'))
        {
            if (segment is "" or "." or "..")
            {
                return "has an empty, '.' or '..' segment";
            }

            var segmentBytes = System.Text.Encoding.UTF8.GetByteCount(segment);
            if (segmentBytes > MaxSegmentBytes)
            {
                return $"has a segment of {segmentBytes} UTF-8 bytes ('{segment[..20]}…'); at most {MaxSegmentBytes} are allowed, so the receiver can write it under a temporary name. Shorten the name";
            }

            if (segment[^1] is '.' or ' ')
            {
                return $"has the segment '{segment}' ending in '.' or ' ' (Windows drops those, so two names could become one)";
            }

            if (segment[0] == '.' && segment.EndsWith(".partial", StringComparison.OrdinalIgnoreCase))
            {
                return $"has the segment '{segment}', the form of the receiver's temporary files";
            }

            var stem = segment.Split('.', 2)[0].TrimEnd(' ');
            if (DeviceNames.Contains(stem))
            {
                return $"has the segment '{segment}', a Windows device name";
            }
        }

        return null;
    }

    /// <summary>The form two paths share when they would name the same file on a case-insensitive or normalizing file system.</summary>
    public static string FoldCase(string path) => path.Normalize(System.Text.NormalizationForm.FormC).ToUpperInvariant();

    /// <summary>The full target path of <paramref name="path"/> under <paramref name="shareDirectory"/>, or <see langword="null"/> when it would land outside it.</summary>
    public static string? TargetOf(string shareDirectory, string path)
    {
        var target = Path.GetFullPath(Path.Combine(shareDirectory, path.Replace('/', Path.DirectorySeparatorChar)));
        return target.StartsWith(shareDirectory + Path.DirectorySeparatorChar, StringComparison.Ordinal) ? target : null;
    }
}
