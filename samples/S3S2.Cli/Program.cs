using System.CommandLine;
using S3S2.Cli;
using S3S2.Cli.Commands;

var root = new RootCommand("s3s2: share files with a receiver through Amazon S3, encrypted so that only the receiver can read them.")
{
    CommonOptions.Verbose,
    CommonOptions.Quiet,
    KeygenCommand.Create(),
    InitCommand.Create(),
    ShareCommand.Create(),
    ListCommand.Create(),
    ReceiveCommand.Create(),
    WorkerCommand.Create(),
    DecryptCommand.Create(),
    DemoCommand.Create(),
    AuditCommand.Create(),
    PolicyCommand.Create(),
};

var parsed = root.Parse(args);
var unknownOptions = UnknownOptions.Find(parsed, args).ToList();
if (parsed.Errors.Count > 0 || unknownOptions.Count > 0)
{
    foreach (var error in unknownOptions.Count > 0 ? unknownOptions : parsed.Errors.Select(e => e.Message))
    {
        Console.Error.WriteLine($"s3s2: {error}");
    }

    Console.Error.WriteLine("s3s2: see 's3s2 --help'.");
    return ExitCodes.BadInput;
}

if (parsed.GetValue(CommonOptions.Quiet) && !parsed.GetValue(CommonOptions.Json))
{
    // One place for --quiet: normal output goes nowhere; errors still go to stderr.
    Console.SetOut(TextWriter.Null);
}

try
{
    return await parsed.InvokeAsync(new InvocationConfiguration { EnableDefaultExceptionHandler = false });
}
catch (Exception ex)
{
    return CliErrors.Report(ex, parsed.GetValue(CommonOptions.Verbose));
}
