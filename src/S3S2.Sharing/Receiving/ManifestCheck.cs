using System.Globalization;
using S3S2.Sharing.Manifest;
using S3S2.Sharing.Policy;
using static S3S2.Sharing.Diagnostics.UntrustedText;

namespace S3S2.Sharing.Receiving;

/// <summary>
/// Checks a decrypted manifest before anything is written: it stays within the receiver's limits (files, sizes, path
/// depth), it belongs to the share it was listed as, every path is safe and distinct after case folding, every object key
/// lies under the share's prefix and is listed once, sizes and hashes are well formed. Lists every problem at once.
/// Runs in time linear in the manifest's size: a manifest is untrusted input.
/// </summary>
internal static class ManifestCheck
{
    private const int MaxProblemsListed = 10;

    public static IReadOnlyList<PlannedFile> Plan(ShareManifest? manifest, string shareId, string keyRoot, string shareDirectory, string manifestDescription, ReceiveClientOptions limits)
    {
        var problems = new List<string>();
        var planned = new List<PlannedFile>();
        if (manifest is null)
        {
            throw Refused(manifestDescription, ["it is empty JSON ('null')"]);
        }

        if (manifest.FormatVersion != ShareManifest.CurrentFormatVersion)
        {
            problems.Add(string.Create(CultureInfo.InvariantCulture, $"format version {manifest.FormatVersion} is not {ShareManifest.CurrentFormatVersion} (update the receiver)"));
        }

        if (!string.Equals(manifest.ShareId, shareId, StringComparison.Ordinal))
        {
            problems.Add($"it names share '{Printable(manifest.ShareId)}' but was listed as share '{shareId}' (a manifest moved or replaced)");
        }

        if (manifest.Encryption is null || manifest.Files is null)
        {
            problems.Add("it has no encryption or files section");
            throw Refused(manifestDescription, problems);
        }

        CheckLimits(manifest.Files, manifestDescription, limits);
        var tree = new PathTree();
        var keys = new HashSet<string>(StringComparer.Ordinal);
        foreach (var (file, index) in manifest.Files.Select((f, i) => (f, i + 1)))
        {
            var entry = string.Create(CultureInfo.InvariantCulture, $"file {index}");
            if (file is null)
            {
                problems.Add($"{entry} is null");
                continue;
            }

            if (RelativePaths.FindProblem(file.Path) is { } pathProblem)
            {
                problems.Add($"{entry} path '{Printable(file.Path)}' {pathProblem}");
                continue;
            }

            entry = $"{entry} '{file.Path}'";
            var target = RelativePaths.TargetOf(shareDirectory, file.Path);
            if (target is null)
            {
                problems.Add($"{entry} would be written outside '{shareDirectory}'");
                continue;
            }

            if (tree.Add(RelativePaths.FoldCase(file.Path)) is { } collision)
            {
                problems.Add($"{entry} {collision}");
                continue;
            }

            if (string.IsNullOrEmpty(file.Key) || ObjectKeys.FindProblem(file.Key) is not null || !file.Key.StartsWith(keyRoot + "/", StringComparison.Ordinal))
            {
                problems.Add($"{entry} object key '{Printable(file.Key)}' does not lie under the share's prefix '{keyRoot}/'");
            }
            else if (!keys.Add(file.Key))
            {
                problems.Add($"{entry} object key '{file.Key}' is listed for another file too (one object written several times)");
            }

            if (file.Size < 0)
            {
                problems.Add(string.Create(CultureInfo.InvariantCulture, $"{entry} size {file.Size} is negative"));
            }

            if (file.Sha256 is not { Length: 64 } || !file.Sha256.All(char.IsAsciiHexDigit))
            {
                problems.Add($"{entry} SHA-256 '{Printable(file.Sha256)}' is not 64 hex digits");
            }

            planned.Add(new PlannedFile(file, target));
        }

        return problems.Count == 0 ? planned : throw Refused(manifestDescription, problems);
    }

    /// <summary>The receiver's limits, checked before anything else (and before the costlier path checks).</summary>
    private static void CheckLimits(IReadOnlyList<ManifestFile> files, string manifestDescription, ReceiveClientOptions limits)
    {
        var problems = new List<string>();
        if (files.Count > limits.MaxFilesPerShare)
        {
            problems.Add(string.Create(CultureInfo.InvariantCulture, $"it lists {files.Count} files, more than MaxFilesPerShare {limits.MaxFilesPerShare} (CLI: --max-files)"));
        }
        else
        {
            var total = 0L;
            foreach (var (file, index) in files.Select((f, i) => (f, i + 1)))
            {
                if (file is null)
                {
                    continue;
                }

                if (file.Size > limits.MaxFileBytes)
                {
                    problems.Add(string.Create(CultureInfo.InvariantCulture, $"file {index} lists {file.Size} bytes, more than MaxFileBytes {limits.MaxFileBytes} (CLI: --max-file-bytes)"));
                }

                var depth = file.Path is null ? 0 : file.Path.AsSpan().Count('/') + 1;
                if (depth > limits.MaxPathDepth)
                {
                    problems.Add(string.Create(CultureInfo.InvariantCulture, $"file {index} path has {depth} levels, more than MaxPathDepth {limits.MaxPathDepth} (CLI: --max-path-depth)"));
                }

                total = file.Size > 0 ? (total > long.MaxValue - file.Size ? long.MaxValue : total + file.Size) : total;
            }

            if (total > limits.MaxShareBytes)
            {
                problems.Add(string.Create(CultureInfo.InvariantCulture, $"its files total {total} bytes, more than MaxShareBytes {limits.MaxShareBytes} (CLI: --max-share-bytes)"));
            }
        }

        if (problems.Count > 0)
        {
            var listed = string.Join("; ", problems.Take(MaxProblemsListed));
            var more = problems.Count > MaxProblemsListed ? string.Create(CultureInfo.InvariantCulture, $"; and {problems.Count - MaxProblemsListed} more") : string.Empty;
            throw new ReceiveLimitException(
                $"{manifestDescription} is refused by the receiver's limits, nothing of the share was written: {listed}{more}. If the share is expected, raise the limit (ReceiveClientOptions or the CLI option named) and receive again.");
        }
    }

    private static IntegrityException Refused(string manifestDescription, List<string> problems)
    {
        var listed = string.Join("; ", problems.Take(MaxProblemsListed));
        var more = problems.Count > MaxProblemsListed ? string.Create(CultureInfo.InvariantCulture, $"; and {problems.Count - MaxProblemsListed} more") : string.Empty;
        return new IntegrityException(
            $"{manifestDescription} is refused, nothing of the share was written: {listed}{more}. Ask the sender to share again with the S3S2 library; never receive such a share by hand.");
    }
}
