using System.Text.RegularExpressions;
using S3S2.Sharing.Tests.Infrastructure;

namespace S3S2.Sharing.Tests.Docs;

/// <summary>
/// Reads the C# snippets two ways: from their sources in tests/S3S2.ReadmeSnippets (the text between
/// <c>// begin-snippet: NAME</c> and <c>// end-snippet</c>, every region of a name in file order, each region dedented,
/// regions joined by an empty line) and from the README (a <c>```csharp</c> block right under
/// <c>&lt;!-- snippet: NAME --&gt;</c>).
/// </summary>
internal static partial class ReadmeSnippets
{
    public static string SourceDirectory => Path.Combine(RepositoryRoot.Path, "tests", "S3S2.ReadmeSnippets");

    public static string ReadmePath => Path.Combine(RepositoryRoot.Path, "README.md");

    /// <summary>Gets the README packed into the library's package, for its users.</summary>
    public static string PackageReadmePath => Path.Combine(RepositoryRoot.Path, "src", "S3S2.Sharing", "README.md");

    public static IReadOnlyDictionary<string, string> FromSources()
    {
        var regions = new Dictionary<string, List<string>>(StringComparer.Ordinal);
        foreach (var file in Directory.EnumerateFiles(SourceDirectory, "*.cs", SearchOption.AllDirectories).Where(f => !f.Contains($"{Path.DirectorySeparatorChar}obj{Path.DirectorySeparatorChar}", StringComparison.Ordinal)).Order(StringComparer.Ordinal))
        {
            string? name = null;
            var lines = new List<string>();
            foreach (var line in File.ReadAllLines(file))
            {
                if (Begin().Match(line) is { Success: true } begin)
                {
                    name = begin.Groups["name"].Value;
                    lines.Clear();
                }
                else if (name is not null && line.Trim() == "// end-snippet")
                {
                    (regions.TryGetValue(name, out var list) ? list : regions[name] = []).Add(Dedent(lines));
                    name = null;
                }
                else if (name is not null)
                {
                    lines.Add(line);
                }
            }

            Assert.That(name, Is.Null, $"{file}: '// begin-snippet: {name}' has no '// end-snippet'.");
        }

        return regions.ToDictionary(r => r.Key, r => string.Join("\n\n", r.Value), StringComparer.Ordinal);
    }

    /// <summary>Every <c>```csharp</c> block of a README (the repository's by default): its snippet name (null when unmarked), text and line.</summary>
    public static IReadOnlyList<(string? Name, string Code, int Line)> FromReadme(string? path = null)
    {
        var lines = File.ReadAllLines(path ?? ReadmePath);
        var blocks = new List<(string?, string, int)>();
        for (var i = 0; i < lines.Length; i++)
        {
            if (lines[i].Trim() != "```csharp")
            {
                continue;
            }

            var marker = i > 0 ? Marker().Match(lines[i - 1]) : Match.Empty;
            var end = Array.FindIndex(lines, i + 1, l => l.Trim() == "```");
            Assert.That(end, Is.GreaterThan(i), $"README line {i + 1}: the ```csharp block is not closed.");
            blocks.Add((marker.Success ? marker.Groups["name"].Value : null, string.Join("\n", lines[(i + 1)..end]), i + 1));
            i = end;
        }

        return blocks;
    }

    private static string Dedent(List<string> lines)
    {
        var indent = lines.Where(l => l.Trim().Length > 0).Select(l => l.Length - l.TrimStart().Length).DefaultIfEmpty(0).Min();
        return string.Join("\n", lines.Select(l => l.Length >= indent ? l[indent..] : l.TrimStart()));
    }

    [GeneratedRegex(@"^\s*// begin-snippet: (?<name>[a-z0-9-]+)\s*$")]
    private static partial Regex Begin();

    [GeneratedRegex(@"^<!-- snippet: (?<name>[a-z0-9-]+) -->$")]
    private static partial Regex Marker();
}
