using System.Globalization;
using S3S2.Sharing.Manifest;
using S3S2.Sharing.Policy;

namespace S3S2.Sharing.Receiving;

/// <summary>
/// Checks a decrypted manifest before anything is written: it belongs to the share it was listed as, every path is safe
/// and distinct after case folding, every object key lies under the share's prefix, sizes and hashes are well formed.
/// Lists every problem at once.
/// </summary>
internal static class ManifestCheck
{
    private const int MaxProblemsListed = 10;

    public static IReadOnlyList<PlannedFile> Plan(ShareManifest? manifest, string shareId, string keyRoot, string shareDirectory, string manifestDescription)
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
            problems.Add($"it names share '{manifest.ShareId}' but was listed as share '{shareId}' (a manifest moved or replaced)");
        }

        if (manifest.Encryption is null || manifest.Files is null)
        {
            problems.Add("it has no encryption or files section");
            throw Refused(manifestDescription, problems);
        }

        var files = new HashSet<string>(StringComparer.Ordinal);
        var folders = new HashSet<string>(StringComparer.Ordinal);
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

            var folded = RelativePaths.FoldCase(file.Path);
            if (!files.Add(folded) || folders.Contains(folded))
            {
                problems.Add($"{entry} collides with another file or folder of the share when case is ignored");
                continue;
            }

            var segments = folded.Split('/');
            for (var i = 1; i < segments.Length; i++)
            {
                var folder = string.Join('/', segments[..i]);
                folders.Add(folder);
                if (files.Contains(folder))
                {
                    problems.Add($"{entry} lies under a folder that is also a file of the share");
                }
            }

            if (string.IsNullOrEmpty(file.Key) || ObjectKeys.FindProblem(file.Key) is not null || !file.Key.StartsWith(keyRoot + "/", StringComparison.Ordinal))
            {
                problems.Add($"{entry} object key '{Printable(file.Key)}' does not lie under the share's prefix '{keyRoot}/'");
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

    private static IntegrityException Refused(string manifestDescription, List<string> problems)
    {
        var listed = string.Join("; ", problems.Take(MaxProblemsListed));
        var more = problems.Count > MaxProblemsListed ? string.Create(CultureInfo.InvariantCulture, $"; and {problems.Count - MaxProblemsListed} more") : string.Empty;
        return new IntegrityException(
            $"{manifestDescription} is refused, nothing of the share was written: {listed}{more}. Ask the sender to share again with the S3S2 library; never receive such a share by hand.");
    }

    private static string Printable(string? value) =>
        value is null ? "null" : string.Concat(value.Take(200).Select(c => char.IsControl(c) ? $"\\u{(int)c:x4}" : c.ToString()));
}
