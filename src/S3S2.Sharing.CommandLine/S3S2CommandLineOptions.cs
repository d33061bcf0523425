using Spectre.Console;

namespace S3S2.Sharing.CommandLine;

/// <summary>How <see cref="S3S2Commands"/> builds the commands: their name and the host's services.</summary>
public sealed class S3S2CommandLineOptions
{
    /// <summary>Gets or sets the name of the command that groups the others, also the prefix of its error lines.</summary>
    /// <value>Default <c>s3s2</c> (<see cref="S3S2Commands.DefaultName"/>).</value>
    public string Name { get; set; } = S3S2Commands.DefaultName;

    /// <summary>
    /// Gets or sets the host's services. When set, the commands log through its <c>ILoggerFactory</c>, and use its
    /// <c>IAmazonS3</c> and <c>IAmazonKeyManagementService</c> when it registered them (options
    /// such as <c>--endpoint</c> or <c>--region</c> on the command line still make a client of the library's own).
    /// </summary>
    /// <value>Default <see langword="null"/>: console logging on standard error and the standard AWS chain.</value>
    public IServiceProvider? Services { get; set; }

    // Typed object, not IAnsiConsole: a share whose progress is plain lines then never loads Spectre.Console.
    private object? _progressConsole;

    /// <summary>
    /// Gets or sets the console <c>share</c> draws its live progress on (per file and overall: bytes, rate, time left).
    /// </summary>
    /// <value>
    /// Default <see langword="null"/>: standard error when it is a terminal and the invocation's error writer is
    /// <see cref="Console.Error"/>; otherwise plain progress lines on the invocation's error writer.
    /// </value>
    public IAnsiConsole? ProgressConsole
    {
        get => (IAnsiConsole?)_progressConsole;
        set => _progressConsole = value;
    }

    /// <summary>Whether <see cref="ProgressConsole"/> is set, asked without touching (so loading) Spectre.Console's types.</summary>
    internal bool HasProgressConsole => _progressConsole is not null;
}
