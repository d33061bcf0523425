namespace S3S2.Sharing.Tests.Infrastructure;

/// <summary>Runs the real s3s2 program (built with the tests) with dummy AWS credentials for the local endpoints.</summary>
internal static class S3S2Program
{
    public static Task<ProcessRunner.Result> RunAsync(params string[] arguments)
    {
        var configuration = AppContext.BaseDirectory.Contains($"{Path.DirectorySeparatorChar}Release{Path.DirectorySeparatorChar}", StringComparison.Ordinal) ? "Release" : "Debug";
        var program = Path.Combine(RepositoryRoot.Path, "samples", "S3S2.Cli", "bin", configuration, "net10.0", "s3s2.dll");
        return ProcessRunner.RunAsync(
            "dotnet",
            [program, .. arguments],
            new Dictionary<string, string?>
            {
                ["AWS_ACCESS_KEY_ID"] = "AKIDLOCALKMS",
                ["AWS_SECRET_ACCESS_KEY"] = "local-kms-secret",
                ["AWS_REGION"] = LocalKmsServer.Region,
            });
    }
}
