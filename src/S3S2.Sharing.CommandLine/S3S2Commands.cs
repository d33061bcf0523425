using System.CommandLine;
using S3S2.Sharing.CommandLine.Commands;

namespace S3S2.Sharing.CommandLine;

/// <summary>
/// The s3s2 commands (<c>share</c>, <c>receive</c>, <c>list</c>, <c>decrypt</c>, <c>keygen</c>, <c>init</c>,
/// <c>audit</c>, <c>policy</c>, <c>worker</c>) as System.CommandLine commands a host CLI adds under its own root:
/// <c>root.Subcommands.Add(S3S2Commands.Create(new() { Services = provider }))</c> gives <c>acme-etl s3s2 share ...</c>.
/// Each command handles its own usage errors and failures: one line on the invocation's error writer and the exit code
/// of the s3s2 tool (0 ok, 1 failed, 2 bad input, 3 refused by policy, 4 integrity failure, 5 audit findings), whatever
/// the host's parse-error and exception handling is.
/// </summary>
public static class S3S2Commands
{
    /// <summary>The name of the command that groups the others unless <see cref="S3S2CommandLineOptions.Name"/> says otherwise.</summary>
    public const string DefaultName = "s3s2";

    /// <summary>
    /// Creates the command named <see cref="S3S2CommandLineOptions.Name"/> holding every s3s2 command, with
    /// <c>--verbose</c> and <c>--quiet</c> for all of them. Add it under the host's root command.
    /// </summary>
    /// <param name="options">The name and the host's services; <see langword="null"/> for the defaults.</param>
    /// <returns>A new command; each call builds new instances.</returns>
    public static Command Create(S3S2CommandLineOptions? options = null)
    {
        options ??= new S3S2CommandLineOptions();
        ArgumentException.ThrowIfNullOrWhiteSpace(options.Name, nameof(options));
        var command = new Command(options.Name, Description);
        Populate(command, options);
        return command;
    }

    /// <summary>
    /// Creates a root command for a tool whose whole purpose is s3s2 (the <c>s3s2</c> tool is one): the s3s2 commands
    /// directly under it, with help, version and the <c>[suggest]</c> directive tab completion uses.
    /// </summary>
    /// <param name="options">The name (used as the prefix of error lines) and the host's services; <see langword="null"/> for the defaults.</param>
    /// <returns>A new root command.</returns>
    public static RootCommand CreateRootCommand(S3S2CommandLineOptions? options = null)
    {
        options ??= new S3S2CommandLineOptions();
        var root = new RootCommand(Description);
        Populate(root, options);
        return root;
    }

    /// <summary>
    /// Creates the s3s2 commands one by one, for a host that adds some of them directly under its own commands; each
    /// has its own <c>--verbose</c> and <c>--quiet</c>.
    /// </summary>
    /// <param name="options">The host's services; <see langword="null"/> for the defaults.</param>
    /// <returns>New commands, in the order <c>s3s2 --help</c> lists them.</returns>
    public static IReadOnlyList<Command> CreateSubcommands(S3S2CommandLineOptions? options = null)
    {
        var commands = Subcommands(options ?? new S3S2CommandLineOptions());
        foreach (var command in commands)
        {
            command.Options.Add(CommonOptions.Verbose);
            command.Options.Add(CommonOptions.Quiet);
        }

        return commands;
    }

    private const string Description = "s3s2: share files with a receiver through Amazon S3, encrypted so that only the receiver can read them.";

    private static void Populate(Command command, S3S2CommandLineOptions options)
    {
        command.Options.Add(CommonOptions.Verbose);
        command.Options.Add(CommonOptions.Quiet);
        foreach (var subcommand in Subcommands(options))
        {
            command.Subcommands.Add(subcommand);
        }

        // Without a command, or with a word that is none: one line naming the problem, exit 2 (not the host's help).
        command.Action = new S3S2CommandAction(options, run: null);
    }

    private static List<Command> Subcommands(S3S2CommandLineOptions options) =>
    [
        KeygenCommand.Create(options),
        InitCommand.Create(options),
        ShareCommand.Create(options),
        ListCommand.Create(options),
        ReceiveCommand.Create(options),
        WorkerCommand.Create(options),
        DecryptCommand.Create(options),
        AuditCommand.Create(options),
        PolicyCommand.Create(options),
    ];
}
