using System.CommandLine;
using System.CommandLine.Parsing;

namespace S3S2.Sharing.CommandLine.Invocation;

/// <summary>
/// A word that starts with '-' where a command takes paths would be read as a path ('share x.csv --sign-kye k.asc'
/// would say the file '--sign-kye' does not exist). Such a word is reported as an unknown option with the nearest
/// option name instead; a path that really starts with '-' goes after '--' (or as './-name'), and '-' alone is stdin.
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
        foreach (var token in parsed.CommandResult.Children.OfType<ArgumentResult>().SelectMany(a => a.Tokens))
        {
            if (token.Value.Length > 1 && token.Value[0] == '-' && !double.TryParse(token.Value, out _) && beforeEnd.Contains(token))
            {
                var nearest = names.Select(n => (Name: n, Distance: Distance(token.Value, n))).OrderBy(c => c.Distance).FirstOrDefault();
                var hint = nearest.Name is not null && nearest.Distance <= 3 ? $" Did you mean '{nearest.Name}'?" : string.Empty;
                yield return $"unknown option '{token.Value}' for '{command.Name}'.{hint} See '{S3S2CommandAction.CommandPath(parsed)} --help'; a path that starts with '-' goes after '--'.";
            }
        }
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
