using S3S2.Sharing.Policy;

namespace S3S2.Sharing.Sharing;

/// <summary>
/// Turns the paths given to a share into files with relative paths ('/' separators). Directories are walked
/// recursively; a symbolic link is followed only when its target lies inside the directory being shared.
/// </summary>
internal static class ShareSources
{
    private const int BufferSize = 64 * 1024;

    public static IReadOnlyList<ShareSource> FromPaths(IEnumerable<string> paths, ICollection<string> skippedLinks)
    {
        var sources = new List<ShareSource>();
        foreach (var path in paths)
        {
            ArgumentException.ThrowIfNullOrWhiteSpace(path, nameof(paths));
            if (File.Exists(path))
            {
                sources.Add(FileSource(Path.GetFileName(Path.GetFullPath(path)), path));
            }
            else if (Directory.Exists(path))
            {
                var root = new DirectoryInfo(Path.GetFullPath(path));
                var physicalRoot = root.LinkTarget is null ? root.FullName : root.ResolveLinkTarget(returnFinalTarget: true)!.FullName;
                Walk(new DirectoryInfo(physicalRoot), physicalRoot, string.Empty, sources, new HashSet<string>(StringComparer.Ordinal) { physicalRoot }, skippedLinks);
            }
            else
            {
                throw new FileNotFoundException($"'{path}' does not exist. Give an existing file or directory to share.", path);
            }
        }

        return Checked(sources);
    }

    public static ShareSource FromStream(Stream content, string name) =>
        Checked([new ShareSource(name, () => new NonClosingStream(content))])[0];

    private static List<ShareSource> Checked(List<ShareSource> sources)
    {
        if (sources.Count == 0)
        {
            throw new ArgumentException("There are no files to share: the given directories are empty. Give at least one file.");
        }

        var byFoldedPath = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        foreach (var source in sources)
        {
            if (ObjectKeys.FindProblem(source.RelativePath) is { } problem)
            {
                throw new ArgumentException($"Cannot share '{source.RelativePath}': the relative path {problem}. Rename the file.");
            }

            if (!byFoldedPath.TryAdd(source.RelativePath, source.RelativePath))
            {
                throw new ArgumentException(
                    $"Cannot share both '{byFoldedPath[source.RelativePath]}' and '{source.RelativePath}': their paths collide (receivers on Windows and macOS fold case). Rename one, or share them separately.");
            }
        }

        sources.Sort((a, b) => string.CompareOrdinal(a.RelativePath, b.RelativePath));
        return sources;
    }

    private static void Walk(DirectoryInfo directory, string physicalRoot, string relative, List<ShareSource> sources, HashSet<string> visited, ICollection<string> skippedLinks)
    {
        foreach (var entry in directory.EnumerateFileSystemInfos())
        {
            var relativePath = relative.Length == 0 ? entry.Name : relative + "/" + entry.Name;
            var physical = entry;
            if (entry.LinkTarget is not null)
            {
                var target = entry.ResolveLinkTarget(returnFinalTarget: true);
                if (target is null || !target.Exists || !IsInside(target.FullName, physicalRoot))
                {
                    skippedLinks.Add(relativePath);
                    continue;
                }

                physical = target;
            }

            if (physical is DirectoryInfo subdirectory)
            {
                if (visited.Add(subdirectory.FullName))
                {
                    Walk(subdirectory, physicalRoot, relativePath, sources, visited, skippedLinks);
                }
            }
            else
            {
                sources.Add(FileSource(relativePath, physical.FullName));
            }
        }
    }

    private static ShareSource FileSource(string relativePath, string path) =>
        new(relativePath, () => new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, BufferSize, FileOptions.Asynchronous | FileOptions.SequentialScan));

    private static bool IsInside(string path, string root) =>
        path.StartsWith(root.TrimEnd(Path.DirectorySeparatorChar) + Path.DirectorySeparatorChar, StringComparison.Ordinal);
}
