using System.CommandLine;
using System.CommandLine.Invocation;

namespace S3S2.Sharing.CommandLine.Invocation;

/// <summary>
/// Runs one s3s2 command the same way whichever CLI hosts it: usage errors (parse errors, unknown options) are one line
/// each and exit 2, failures are one line and the exit code of their cause (<see cref="ExitCodes"/>), never a stack
/// trace unless --verbose. It owns its command's parse errors (<see cref="ClearsParseErrors"/>) so that the host's
/// parse-error handling, which exits 1 and prints help, does not apply to them.
/// </summary>
internal sealed class S3S2CommandAction(S3S2CommandLineOptions options, Func<ParseResult, CommandRun, CancellationToken, Task<int>>? run) : AsynchronousCommandLineAction
{
    public override bool ClearsParseErrors => true;

    /// <summary>An action for a command whose work is synchronous.</summary>
    public static S3S2CommandAction Synchronous(S3S2CommandLineOptions options, Func<ParseResult, CommandRun, int> run) =>
        new(options, (result, invocation, _) => Task.FromResult(run(result, invocation)));

    public override async Task<int> InvokeAsync(ParseResult parseResult, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(parseResult);
        var errors = UsageErrors(parseResult);
        var invocation = new CommandRun(parseResult, options);
        if (errors.Count > 0 || run is null)
        {
            foreach (var error in errors.Count > 0 ? errors : ["Required command was not provided."])
            {
                invocation.ErrorLine(error);
            }

            invocation.ErrorLine($"see '{CommandPath(parseResult)} --help'.");
            return ExitCodes.BadInput;
        }

        try
        {
            return await run(parseResult, invocation, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception ex)
        {
            return CliErrors.Report(ex, invocation);
        }
    }

    /// <summary>The command as typed, from the host's root down (<c>acme-etl s3s2 share</c>).</summary>
    internal static string CommandPath(ParseResult parseResult)
    {
        var names = new List<string>();
        for (var result = parseResult.CommandResult; result is not null; result = result.Parent as System.CommandLine.Parsing.CommandResult)
        {
            names.Add(result.Command.Name);
        }

        names.Reverse();
        return string.Join(' ', names);
    }

    /// <summary>
    /// Every usage error: the parser's (the ones on this command itself were cleared, so words it did not match are
    /// reported here again) and words starting with '-' where paths go. Unknown options win, as they name the fix.
    /// </summary>
    private static List<string> UsageErrors(ParseResult parseResult)
    {
        var unknown = UnknownOptions.Find(parseResult).ToList();
        if (unknown.Count > 0)
        {
            return unknown;
        }

        return parseResult.Errors.Select(e => e.Message)
            .Concat(parseResult.UnmatchedTokens.Select(t => $"Unrecognized command or argument '{t}'."))
            .Distinct(StringComparer.Ordinal)
            .ToList();
    }
}
