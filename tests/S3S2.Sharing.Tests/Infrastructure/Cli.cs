namespace S3S2.Sharing.Tests.Infrastructure;

/// <summary>Runs the built s3s2 program (built with the tests, same configuration) as a separate process.</summary>
internal static class Cli
{
    private static readonly Lazy<string> Program = new(Find);

    public static Task<ProcessRunner.Result> RunAsync(IEnumerable<string> arguments, IDictionary<string, string?>? environment = null) =>
        ProcessRunner.RunAsync("dotnet", [Program.Value, .. arguments], environment);

    private static string Find()
    {
        // Tests run from tests/S3S2.Sharing.Tests/bin/<Configuration>/net10.0/.
        var configuration = new DirectoryInfo(Path.TrimEndingDirectorySeparator(AppContext.BaseDirectory)).Parent!.Name;
        var program = Path.Combine(RepositoryRoot.Path, "samples", "S3S2.Cli", "bin", configuration, "net10.0", "s3s2.dll");
        return File.Exists(program) ? program : throw new InvalidOperationException($"The CLI is not built at {program}. Build the test project (it builds the CLI).");
    }
}
