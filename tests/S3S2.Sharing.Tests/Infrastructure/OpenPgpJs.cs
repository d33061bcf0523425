namespace S3S2.Sharing.Tests.Infrastructure;

/// <summary>
/// OpenPGP.js (pinned in OpenPgpJsInterop/package-lock.json, installed with <c>npm ci</c> on first use), driven
/// through OpenPgpJsInterop/openpgpjs.js: a second independent OpenPGP implementation beside gpg.
/// </summary>
internal static class OpenPgpJs
{
    private static readonly Lazy<string> Script = new(Install, LazyThreadSafetyMode.ExecutionAndPublication);

    public static async Task<ProcessRunner.Result> RunAsync(params string[] arguments)
    {
        if (!ProcessRunner.IsOnPath("node") || !ProcessRunner.IsOnPath("npm"))
        {
            RequiredTool.Missing("Node.js and npm (to run OpenPGP.js)");
        }

        return await ProcessRunner.RunAsync("node", [Script.Value, .. arguments], timeout: TimeSpan.FromMinutes(2));
    }

    private static string Install()
    {
        var directory = Path.Combine(RepositoryRoot.Path, "tests", "S3S2.Sharing.Tests", "OpenPgpJsInterop");
        if (!Directory.Exists(Path.Combine(directory, "node_modules", "openpgp")))
        {
            var install = ProcessRunner.RunAsync("npm", ["ci", "--no-audit", "--no-fund"], workingDirectory: directory).GetAwaiter().GetResult();
            if (install.ExitCode != 0)
            {
                throw new InvalidOperationException($"'npm ci' in {directory} failed ({install.ExitCode}): {install.StandardError}");
            }
        }

        return Path.Combine(directory, "openpgpjs.js");
    }
}
