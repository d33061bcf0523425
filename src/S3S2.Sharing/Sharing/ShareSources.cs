using S3S2.Sharing.IO;
using S3S2.Sharing.Manifest;

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
                var physicalRoot = RealPath(path);
                Walk(new DirectoryInfo(physicalRoot), physicalRoot, string.Empty, sources, new HashSet<string>(StringComparer.Ordinal) { physicalRoot }, skippedLinks);
            }
            else
            {
                throw new FileNotFoundException($"'{path}' does not exist. Give an existing file or directory to share.", path);
            }
        }

        return Checked(sources);
    }

    /// <summary>The files under <paramref name="directory"/>, below <paramref name="subPath"/> ("" for none).</summary>
    public static IReadOnlyList<ShareSource> FromDirectory(string directory, string subPath, ICollection<string> skippedLinks)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(directory);
        if (!Directory.Exists(directory))
        {
            throw new DirectoryNotFoundException($"'{directory}' is not an existing directory. Give a directory to AddDirectoryAsync, or a file to AddFileAsync.");
        }

        var physicalRoot = RealPath(directory);
        var sources = new List<ShareSource>();
        Walk(new DirectoryInfo(physicalRoot), physicalRoot, subPath.Trim('/'), sources, new HashSet<string>(StringComparer.Ordinal) { physicalRoot }, skippedLinks);
        return Checked(sources);
    }

    /// <summary>One file shared under <paramref name="name"/>.</summary>
    public static ShareSource FromFile(string path, string name) =>
        File.Exists(path)
            ? Checked([FileSource(name, path)])[0]
            : throw new FileNotFoundException($"'{path}' is not an existing file. Give a file to AddFileAsync, or a directory to AddDirectoryAsync.", path);

    public static ShareSource FromStream(Stream content, string name) =>
        Checked([new ShareSource(name, () => new NonClosingStream(content))])[0];

    private static List<ShareSource> Checked(List<ShareSource> sources)
    {
        if (sources.Count == 0)
        {
            throw new ArgumentException("There are no files to share: the given directories are empty. Give at least one file.");
        }

        // The receiver's rules, so that no share is made that the receiver would refuse.
        var byFoldedPath = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var source in sources)
        {
            if (RelativePaths.FindProblem(source.RelativePath) is { } problem)
            {
                throw new ArgumentException($"Cannot share '{source.RelativePath}': the relative path {problem}. Rename the file.");
            }

            if (!byFoldedPath.TryAdd(RelativePaths.FoldCase(source.RelativePath), source.RelativePath))
            {
                throw new ArgumentException(
                    $"Cannot share both '{byFoldedPath[RelativePaths.FoldCase(source.RelativePath)]}' and '{source.RelativePath}': their paths collide (receivers on Windows and macOS fold case and Unicode forms). Rename one, or share them separately.");
            }
        }

        // A file where another path needs a folder ('a' and 'a/b.csv') cannot be received either.
        var tree = new Receiving.PathTree();
        foreach (var source in sources)
        {
            if (tree.Add(RelativePaths.FoldCase(source.RelativePath)) is { } collision)
            {
                throw new ArgumentException($"Cannot share '{source.RelativePath}': it {collision}. Rename one, or share them separately.");
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
                // Every link on the way is resolved: a link to a link outside must not pass as inside.
                string target;
                try
                {
                    target = RealPath(entry.FullName);
                }
                catch (IOException)
                {
                    skippedLinks.Add(relativePath); // a loop of links
                    continue;
                }

                physical = Directory.Exists(target) ? new DirectoryInfo(target) : new FileInfo(target);
                if (!physical.Exists || !IsInside(target, physicalRoot))
                {
                    skippedLinks.Add(relativePath);
                    continue;
                }
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
        FileKinds.NonRegularKind(path) is { } kind
            ? throw new ArgumentException(
                $"Cannot share '{path}': it is {kind}, not a regular file, and reading it may never end. Copy its content to a file, or share it as a stream with ShareStreamAsync (CLI: s3s2 share - --name NAME, with the data on standard input).")
            : new(relativePath, () => new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, BufferSize, FileOptions.Asynchronous | FileOptions.SequentialScan), new FileInfo(path).Length);

    /// <summary>The path with every symbolic link along it resolved (like realpath(3)); a link loop ends in an IOException.</summary>
    internal static string RealPath(string path, int depth = 0)
    {
        if (depth > 40)
        {
            throw new IOException($"Too many levels of symbolic links at '{path}'.");
        }

        var full = Path.GetFullPath(path);
        var parent = Path.GetDirectoryName(full);
        if (parent is null)
        {
            return full;
        }

        var candidate = Path.Combine(RealPath(parent, depth), Path.GetFileName(full));
        var target = new FileInfo(candidate).LinkTarget;
        return target is null
            ? candidate
            : RealPath(Path.IsPathRooted(target) ? target : Path.Combine(Path.GetDirectoryName(candidate)!, target), depth + 1);
    }

    private static bool IsInside(string path, string root) =>
        path.StartsWith(root.TrimEnd(Path.DirectorySeparatorChar) + Path.DirectorySeparatorChar, StringComparison.Ordinal);
}
