using System.IO.Compression;
using System.Text.Json;
using System.Xml.Linq;
using S3S2.Sharing.Tests.Infrastructure;

namespace S3S2.Sharing.Tests.Packaging;

/// <summary>
/// The package as a net8.0 app meets it: the library is packed into a temporary feed, and a new console app that pins
/// Microsoft.Extensions.* 8.0.x restores it (from that feed and the machine's configured sources) and builds with
/// warnings as errors. This is the slow packaging test (a pack and a restore, about two minutes); exclude it with
/// <c>--filter TestCategory!=Packaging</c>. The CLI's tool package is checked here where it needs no native compiler.
/// </summary>
[TestFixture]
[Category("Packaging")]
[NonParallelizable]
public sealed class PackageConsumerTests
{
    private const string Version = "0.2.0-preview.1";

    [Test]
    public async Task Pack_Net8ConsumerPinningExtensions8_RestoresAndBuildsWithoutWarnings()
    {
        using var work = new TempDirectory();
        var feed = work.Combine("feed");
        var pack = await DotnetAsync(RepositoryRoot.Path, "pack", Path.Combine(RepositoryRoot.Path, "src", "S3S2.Sharing", "S3S2.Sharing.csproj"), "-c", "Release", "-o", feed, "-nodeReuse:false");
        Assert.That(pack.ExitCode, Is.Zero, pack.StandardOutput + pack.StandardError);

        var package = Path.Combine(feed, $"S3S2.Sharing.{Version}.nupkg");
        Assert.That(File.Exists(package), Is.True, "a prerelease version until the API is declared shipped");
        var (nuspec, entries) = ReadPackage(package);
        XNamespace ns = nuspec.Root!.Name.Namespace;
        var metadata = nuspec.Root.Element(ns + "metadata")!;
        Assert.That(metadata.Element(ns + "readme")?.Value, Is.EqualTo("README.md"));
        Assert.That(metadata.Element(ns + "releaseNotes")?.Value, Does.StartWith(Version));
        Assert.That(entries["README.md"], Does.StartWith("# S3S2.Sharing").And.Contain("dotnet add package S3S2.Sharing --prerelease"), "the package's own README, written for its users");
        var floors = metadata.Element(ns + "dependencies")!.Elements(ns + "group").ToDictionary(
            g => g.Attribute("targetFramework")!.Value,
            g => g.Elements(ns + "dependency").ToDictionary(d => d.Attribute("id")!.Value, d => d.Attribute("version")!.Value));
        Assert.That(floors["net8.0"]["Microsoft.Extensions.Options"], Does.StartWith("8.0."));
        Assert.That(floors["net8.0"]["Microsoft.Extensions.DependencyInjection.Abstractions"], Does.StartWith("8.0."));
        Assert.That(floors["net10.0"]["Microsoft.Extensions.Options"], Does.StartWith("10.0."));

        var app = work.Combine("app");
        Directory.CreateDirectory(app);

        // The temporary feed is added to the machine's configured sources (no <clear/>), which serve everything else.
        await File.WriteAllTextAsync(Path.Combine(app, "nuget.config"), $"""
            <?xml version="1.0" encoding="utf-8"?>
            <configuration>
              <packageSources>
                <add key="s3s2-packed" value="{feed}" />
              </packageSources>
            </configuration>
            """);
        await File.WriteAllTextAsync(Path.Combine(app, "Consumer.csproj"), $"""
            <Project Sdk="Microsoft.NET.Sdk">
              <PropertyGroup>
                <OutputType>Exe</OutputType>
                <TargetFramework>net8.0</TargetFramework>
                <Nullable>enable</Nullable>
                <ImplicitUsings>enable</ImplicitUsings>
                <TreatWarningsAsErrors>true</TreatWarningsAsErrors>
                <NuGetAudit>false</NuGetAudit>
                <!-- Its own packages folder, so that no earlier pack of the same version is taken from the machine's cache. -->
                <RestorePackagesPath>{work.Combine("packages")}</RestorePackagesPath>
              </PropertyGroup>
              <ItemGroup>
                <PackageReference Include="S3S2.Sharing" Version="{Version}" />
                <PackageReference Include="Microsoft.Extensions.DependencyInjection" Version="8.0.0" />
                <PackageReference Include="Microsoft.Extensions.Options" Version="8.0.0" />
                <PackageReference Include="Microsoft.Extensions.Logging.Abstractions" Version="8.0.0" />
              </ItemGroup>
            </Project>
            """);
        await File.WriteAllTextAsync(Path.Combine(app, "Program.cs"), """
            using Microsoft.Extensions.DependencyInjection;
            using S3S2.Sharing;
            using S3S2.Sharing.Encryption.OpenPgp;

            var services = new ServiceCollection();
            services.AddS3S2Sharing(o => o.Prefix = "partners/bigdatarider")
                .AddOpenPgpEncryption(o => o.RecipientKeys.Add(OpenPgpKeySource.FromFile("awesomeai.pub.asc")))
                .AddLocalFolderStore("store");
            await using var provider = services.BuildServiceProvider();
            try
            {
                var receipt = await provider.GetRequiredService<IShareClient>().ShareAsync(["exports/"]);
                Console.WriteLine(receipt.ShareId);
            }
            catch (S3S2Exception ex)
            {
                Console.Error.WriteLine(ex.Message);
            }
            """);

        var build = await DotnetAsync(app, "build", "-c", "Release", "-nodeReuse:false");

        var output = build.StandardOutput + build.StandardError;
        Assert.That(build.ExitCode, Is.Zero, output);
        Assert.That(output, Does.Contain("0 Warning(s)").And.Not.Contain("System.IO.Hashing"), "no warning in the consumer's net8.0 build");
        using var assets = JsonDocument.Parse(await File.ReadAllTextAsync(Path.Combine(app, "obj", "project.assets.json")));
        var resolved = assets.RootElement.GetProperty("targets").GetProperty("net8.0").EnumerateObject().Select(p => p.Name).ToList();
        Assert.That(resolved, Has.Member($"S3S2.Sharing/{Version}"));
        Assert.That(resolved.Where(p => p.StartsWith("Microsoft.Extensions.", StringComparison.Ordinal)), Is.All.Contains("/8.0."), "the app's pins hold: nothing forced to 10.0");
        Assert.That(resolved, Has.None.StartsWith("System.IO.Hashing/11."));
    }

    /// <summary>
    /// A native tool package is packed per platform, on that platform (README "Native build"); packing it without a
    /// platform stops before the restore, which would otherwise fail on another platform's native compiler package, and
    /// says how to pack it. CI packs and installs the native package itself and runs the program's tests against it.
    /// </summary>
    [Test]
    public async Task PackCli_NativeWithoutPlatform_StopsNamingTheFixAndWritesNothing()
    {
        using var work = new TempDirectory();
        var feed = work.Combine("feed");

        var pack = await DotnetAsync(RepositoryRoot.Path, "pack", Path.Combine(RepositoryRoot.Path, "samples", "S3S2.Cli"), "-c", "Release", "-p:Native=true", "-o", feed, "-nodeReuse:false");

        Assert.That(pack.ExitCode, Is.Not.Zero);
        Assert.That(pack.StandardOutput + pack.StandardError, Does.Contain("A native tool package is packed for one platform, on that platform: dotnet pack samples/S3S2.Cli -c Release -r RID -p:Native=true"));
        Assert.That(pack.StandardOutput + pack.StandardError, Does.Not.Contain("NU1101"), "stopped before the restore");
        Assert.That(Directory.Exists(feed) ? Directory.GetFiles(feed) : [], Is.Empty);
    }

    private static (XDocument Nuspec, Dictionary<string, string> TextEntries) ReadPackage(string path)
    {
        using var zip = ZipFile.OpenRead(path);
        var nuspec = zip.Entries.Single(e => e.FullName.EndsWith(".nuspec", StringComparison.Ordinal));
        using var reader = new StreamReader(nuspec.Open());
        var document = XDocument.Parse(reader.ReadToEnd());
        var texts = zip.Entries.Where(e => e.FullName.EndsWith(".md", StringComparison.Ordinal))
            .ToDictionary(e => e.FullName, e => new StreamReader(e.Open()).ReadToEnd(), StringComparer.Ordinal);
        return (document, texts);
    }

    private static Task<ProcessRunner.Result> DotnetAsync(string workingDirectory, params string[] arguments) =>
        ProcessRunner.RunAsync("dotnet", arguments, new Dictionary<string, string?> { ["DOTNET_CLI_TELEMETRY_OPTOUT"] = "1" }, workingDirectory, TimeSpan.FromMinutes(10));
}
