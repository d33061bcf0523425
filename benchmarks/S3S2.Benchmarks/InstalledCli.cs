using System.Globalization;
using System.Runtime.InteropServices;
using S3S2.Sharing.Tests.Infrastructure;

namespace S3S2.Benchmarks;

/// <summary>
/// The s3s2 CLI as users get it: the tool package packed from this repository for this machine's platform (ReadyToRun,
/// as 'dotnet pack' makes it, or native, as 'dotnet pack -r RID -p:Native=true' makes it) and installed with 'dotnet tool install' into a folder of the run, so the figures include
/// the start-up users see. Its own NuGet cache folder, so that a package of the same version packed before is not reused.
/// </summary>
internal static class InstalledCli
{
    public static string Platform =>
        (OperatingSystem.IsWindows() ? "win" : OperatingSystem.IsMacOS() ? "osx" : "linux") + "-" + RuntimeInformation.OSArchitecture.ToString().ToLowerInvariant();

    /// <summary>The build output run with 'dotnet s3s2.dll' (compiled as it starts): the figures before the tool package.</summary>
    public static string BuildOutput { get; } = Path.Combine(RepositoryRoot.Path, "samples", "S3S2.Cli", "bin", "Release", "net10.0", "s3s2.dll");

    /// <summary>
    /// Packs and installs the tool under <paramref name="work"/>; returns the path of the installed command. With
    /// <paramref name="native"/>, this platform's package is the native one (README "Native build"), packed over the
    /// ReadyToRun one as a release does; it links with clang, or with gcc where clang is absent.
    /// </summary>
    public static async Task<string> InstallAsync(string work, bool native)
    {
        var packages = Path.Combine(work, "cli-packages");
        var toolPath = Path.Combine(work, "cli-tool");
        var project = Path.Combine(RepositoryRoot.Path, "samples", "S3S2.Cli");
        var environment = new Dictionary<string, string?> { ["NUGET_PACKAGES"] = Path.Combine(work, "cli-nuget"), ["DOTNET_CLI_TELEMETRY_OPTOUT"] = "1" };
        await MustAsync("dotnet", ["pack", project, "-c", "Release", "-o", packages, $"-p:ToolPlatforms={Platform}", "-nodeReuse:false", "-v", "quiet", "-clp:ErrorsOnly"], null);
        if (native)
        {
            var onPath = (Environment.GetEnvironmentVariable("PATH") ?? string.Empty).Split(Path.PathSeparator);
            string[] linker = OperatingSystem.IsLinux() && !onPath.Any(d => File.Exists(Path.Combine(d, "clang"))) ? ["-p:CppCompilerAndLinker=gcc"] : [];
            await MustAsync("dotnet", ["pack", project, "-c", "Release", "-r", Platform, "-p:Native=true", .. linker, "-o", packages, "-nodeReuse:false", "-v", "quiet", "-clp:ErrorsOnly"], null);
        }

        var pointer = Directory.GetFiles(packages, "S3S2.Cli.*.nupkg").Select(Path.GetFileName).Single(n => !n!.StartsWith("S3S2.Cli.any.", StringComparison.Ordinal) && !n.StartsWith($"S3S2.Cli.{Platform}.", StringComparison.Ordinal))!;
        var version = pointer["S3S2.Cli.".Length..^".nupkg".Length];
        await MustAsync("dotnet", ["tool", "install", "--tool-path", toolPath, "--add-source", packages, "S3S2.Cli", "--version", version], environment);
        return Path.Combine(toolPath, OperatingSystem.IsWindows() ? "s3s2.exe" : "s3s2");
    }

    private static async Task MustAsync(string program, string[] arguments, IDictionary<string, string?>? environment)
    {
        var result = await ProcessRunner.RunAsync(program, arguments, environment, timeout: TimeSpan.FromMinutes(20));
        if (result.ExitCode != 0)
        {
            throw new InvalidOperationException(string.Create(CultureInfo.InvariantCulture, $"{program} {string.Join(' ', arguments.Take(3))}... failed ({result.ExitCode}): {result.StandardOutput}{result.StandardError}"));
        }
    }
}
