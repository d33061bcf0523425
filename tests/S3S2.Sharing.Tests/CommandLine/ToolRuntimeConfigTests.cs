using System.Text.Json;
using S3S2.Sharing.Tests.Infrastructure;

namespace S3S2.Sharing.Tests.CommandLine;

/// <summary>
/// The runtime settings the s3s2 program ships in its runtimeconfig.json (see samples/S3S2.Cli/S3S2.Cli.csproj and
/// docs/performance.md): the runtime reads them from there, so the built file is what users get.
/// </summary>
[TestFixture]
[Category("Cli")]
public sealed class ToolRuntimeConfigTests
{
    [Test]
    public void RuntimeConfig_ThreadPoolWorkersDoNotSpinAndTieredPgoIsOff()
    {
        using var config = JsonDocument.Parse(File.ReadAllBytes(RepositoryRoot.BuiltProgram(Path.Combine("samples", "S3S2.Cli"), "s3s2.runtimeconfig.json")));
        var properties = config.RootElement.GetProperty("runtimeOptions").GetProperty("configProperties");

        Assert.That(properties.GetProperty("System.Threading.ThreadPool.UnfairSemaphoreSpinLimit").GetInt32(), Is.Zero, "an idle worker sleeps at once instead of spinning on a core the share's other stages need");
        Assert.That(properties.GetProperty("System.Runtime.TieredPGO").GetBoolean(), Is.False);
    }
}
