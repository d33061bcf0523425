using System.CommandLine;
using System.CommandLine.Parsing;

namespace S3S2.Sharing.CommandLine.Invocation;

/// <summary>
/// Misspelt options and commands, reported with the nearest name. A word that starts with '-' where a command takes
/// paths would be read as a path ('share x.csv --sign-kye k.asc' would say the file '--sign-kye' does not exist); a
/// path that really starts with '-' goes after '--' (or as './-name'), and '-' alone is stdin. Where a command takes no
/// paths, the parser matches such a word to nothing, and a misspelt command name likewise; each becomes one line
/// naming the nearest option or command instead of the parser's "Unrecognized command or argument", once for the word
/// and once more for the value after it.
/// </summary>
internal static class UnknownOptions
{
    public static IEnumerable<string> Find(ParseResult parsed)
    {
        // Words after '--' are paths whatever they look like.
        var endOfOptions = parsed.Tokens.ToList().FindIndex(t => t.Type == TokenType.DoubleDash);
        var beforeEnd = new HashSet<object>(endOfOptions < 0 ? parsed.Tokens : parsed.Tokens.Take(endOfOptions), ReferenceEqualityComparer.Instance);
        var command = parsed.CommandResult.Command;
        var recursive = new List<Option>();
        for (var parent = parsed.CommandResult.Parent as CommandResult; parent is not null; parent = parent.Parent as CommandResult)
        {
            recursive.AddRange(parent.Command.Options.Where(o => o.Recursive));
        }

        var names = command.Options.Concat(recursive)
            .SelectMany(o => o.Aliases.Prepend(o.Name))
            .Where(n => n.StartsWith("--", StringComparison.Ordinal))
            .Distinct(StringComparer.Ordinal)
            .ToList();
        var help = $"See '{S3S2CommandAction.CommandPath(parsed)} --help'";
        foreach (var token in parsed.CommandResult.Children.OfType<ArgumentResult>().SelectMany(a => a.Tokens))
        {
            if (LooksLikeOption(token.Value) && beforeEnd.Contains(token))
            {
                yield return $"{Unknown("option", token.Value, command, names)} {help}; a path that starts with '-' goes after '--'.";
            }
        }

        var subcommands = command.Subcommands.Where(c => !c.Hidden).Select(c => c.Name).ToList();
        for (var i = 0; i < parsed.UnmatchedTokens.Count; i++)
        {
            var word = parsed.UnmatchedTokens[i];
            if (LooksLikeOption(word))
            {
                yield return $"{Unknown("option", word, command, names)} {help}.";
            }
            else if (i == 0 && subcommands.Count > 0)
            {
                yield return $"{Unknown("command", word, command, subcommands)} {help}.";
            }
        }
    }

    private static bool LooksLikeOption(string word) => word.Length > 1 && word[0] == '-' && !double.TryParse(word, out _);

    private static string Unknown(string kind, string word, Command command, IEnumerable<string> names)
    {
        var nearest = names.Select(n => (Name: n, Distance: Distance(word, n))).OrderBy(c => c.Distance).FirstOrDefault();
        var hint = nearest.Name is not null && nearest.Distance <= 3 ? $" Did you mean '{nearest.Name}'?" : string.Empty;
        return $"unknown {kind} '{word}' for '{command.Name}'.{hint}";
    }

    /// <summary>The Levenshtein distance: edits between what was typed and an option name.</summary>
    private static int Distance(string a, string b)
    {
        var previous = Enumerable.Range(0, b.Length + 1).ToArray();
        for (var i = 1; i <= a.Length; i++)
        {
            var current = new int[b.Length + 1];
            current[0] = i;
            for (var j = 1; j <= b.Length; j++)
            {
                current[j] = Math.Min(Math.Min(current[j - 1] + 1, previous[j] + 1), previous[j - 1] + (a[i - 1] == b[j - 1] ? 0 : 1));
            }

            previous = current;
        }

        return previous[b.Length];
    }
}
