using System.CommandLine;
using System.CommandLine.Completions;

namespace S3S2.Sharing.CommandLine.Invocation;

/// <summary>
/// Tab completion of file and folder paths for the options and arguments that take one. System.CommandLine completes
/// option names and fixed values by itself; paths it leaves to the shell, which its suggest shim replaces.
/// </summary>
internal static class PathCompletions
{
    private const int Limit = 200;

    /// <summary>
    /// Adds path completion to each symbol and names its value in help as the symbols without completion are named
    /// (<c>--to &lt;to&gt;</c>, <c>&lt;PATH&gt;</c>); returns nothing so that it reads as a statement.
    /// </summary>
    /// <remarks>
    /// Help asks a symbol without a <c>HelpName</c> for its completions and prints them as its accepted values: here
    /// that was the entries of the current folder (up to 200 of them, <c>--to &lt;a.csv|b.csv|...&gt;</c>), and in an
    /// empty folder no value at all, so that <c>--out</c> read like a flag.
    /// </remarks>
    public static void AddTo(params Symbol[] symbols)
    {
        foreach (var symbol in symbols)
        {
            switch (symbol)
            {
                case Option option:
                    option.CompletionSources.Add(Complete);
                    option.HelpName ??= option.Name.TrimStart('-');
                    break;
                case Argument argument:
                    argument.CompletionSources.Add(Complete);
                    argument.HelpName ??= argument.Name;
                    break;
            }
        }
    }

    private static IEnumerable<CompletionItem> Complete(CompletionContext context)
    {
        var word = context.WordToComplete;
        var separator = word.LastIndexOfAny(['/', Path.DirectorySeparatorChar]);
        var folder = separator < 0 ? "." : word[..(separator + 1)];
        var prefix = separator < 0 ? word : word[(separator + 1)..];
        IEnumerable<FileSystemInfo> entries;
        try
        {
            entries = new DirectoryInfo(folder).EnumerateFileSystemInfos(prefix + "*");
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or ArgumentException)
        {
            // A folder that is not there or not readable has nothing to offer; completion never fails the shell.
            return [];
        }

        return entries
            .Select(e => (separator < 0 ? string.Empty : folder) + e.Name + (e is DirectoryInfo ? "/" : string.Empty))
            .Order(StringComparer.Ordinal)
            .Take(Limit)
            .Select(path => new CompletionItem(path))
            .ToList();
    }
}
