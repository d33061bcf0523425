namespace S3S2.Sharing.Tests.Infrastructure;

/// <summary>
/// Runs the real s3s2 program as a separate process, with dummy AWS credentials for the local endpoints unless the
/// test gives its own environment: the build output (built with the tests, same configuration) through 'dotnet', or
/// the executable that the environment variable S3S2_TEST_PROGRAM names (the native build, which CI tests this way).
/// </summary>
internal static class S3S2Program
{
    /// <summary>The environment variable that names an s3s2 executable to test instead of the build output.</summary>
    public const string ProgramVariable = "S3S2_TEST_PROGRAM";

    private static readonly (string FileName, string[] Prefix) Program =
        Environment.GetEnvironmentVariable(ProgramVariable) is { Length: > 0 } executable
            ? (Path.GetFullPath(executable), [])
            : ("dotnet", [RepositoryRoot.BuiltProgram(Path.Combine("samples", "S3S2.Cli"), "s3s2.dll")]);

    public static Task<ProcessRunner.Result> RunAsync(params string[] arguments) => RunAsync(arguments, null);

    public static Task<ProcessRunner.Result> RunAsync(IEnumerable<string> arguments, IDictionary<string, string?>? environment, byte[]? standardInput = null, string? workingDirectory = null)
    {
        var merged = new Dictionary<string, string?>
        {
            ["AWS_ACCESS_KEY_ID"] = "AKIDLOCALKMS",
            ["AWS_SECRET_ACCESS_KEY"] = "local-kms-secret",
            ["AWS_REGION"] = LocalKmsServer.Region,
        };
        foreach (var (name, value) in environment ?? new Dictionary<string, string?>())
        {
            merged[name] = value;
        }

        return ProcessRunner.RunAsync(Program.FileName, [.. Program.Prefix, .. arguments], merged, workingDirectory, standardInput: standardInput);
    }

    /// <summary>Starts the program and returns at once, for commands that run until stopped (<c>worker</c>).</summary>
    public static RunningProgram Start(IEnumerable<string> arguments, IDictionary<string, string?> environment) =>
        new(Program.FileName, [.. Program.Prefix, .. arguments], environment);
}
