namespace S3S2.Sharing.Tests.Infrastructure;

/// <summary>
/// Runs the real s3s2 program (built with the tests, same configuration) as a separate process, with dummy
/// AWS credentials for the local endpoints unless the test gives its own environment.
/// </summary>
internal static class S3S2Program
{
    private static readonly string Program = RepositoryRoot.BuiltProgram(Path.Combine("samples", "S3S2.Cli"), "s3s2.dll");

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

        return ProcessRunner.RunAsync("dotnet", [Program, .. arguments], merged, workingDirectory, standardInput: standardInput);
    }

    /// <summary>Starts the program and returns at once, for commands that run until stopped (<c>worker</c>).</summary>
    public static RunningProgram Start(IEnumerable<string> arguments, IDictionary<string, string?> environment) =>
        new("dotnet", [Program, .. arguments], environment);
}
