using S3S2.Sharing.CommandLine;
using S3S2.Sharing.Tests.Infrastructure;

namespace S3S2.Sharing.Tests.CommandLine.Invocation;

/// <summary>Tab completion as System.CommandLine offers it: fixed values, option names, paths, the [suggest] directive.</summary>
[TestFixture]
[Category("Cli")]
public sealed class PathCompletionsTests
{
    [Test]
    public void GetCompletions_CompressValue_TheAcceptedValues()
    {
        var root = S3S2Commands.CreateRootCommand();

        var labels = root.Parse("share a.csv --compress ").GetCompletions().Select(c => c.Label);

        Assert.That(labels, Is.EquivalentTo(new[] { "none", "zlib" }));
    }

    [Test]
    public void GetCompletions_CompressLevelValue_TheNineLevels()
    {
        var root = S3S2Commands.CreateRootCommand();

        var labels = root.Parse("share a.csv --compress-level ").GetCompletions().Select(c => c.Label);

        Assert.That(labels, Is.EquivalentTo(new[] { "1", "2", "3", "4", "5", "6", "7", "8", "9" }));
    }

    [Test]
    public void GetCompletions_PgpKeyPrefix_FilesAndFoldersOfThatFolder()
    {
        using var work = new TempDirectory();
        work.WriteFile("receiver.pub.asc", [1]);
        work.WriteFile("receiver.sec.asc", [1]);
        work.WriteFile("other.txt", [1]);
        Directory.CreateDirectory(work.Combine("recent"));
        var root = S3S2Commands.CreateRootCommand();
        var folder = work.Path + "/";

        var labels = root.Parse($"share a.csv --pgp-key {folder}re").GetCompletions().Select(c => c.Label);

        Assert.That(labels, Is.EqualTo(new[] { folder + "receiver.pub.asc", folder + "receiver.sec.asc", folder + "recent/" }.Order(StringComparer.Ordinal)));
    }

    [Test]
    public void GetCompletions_FolderThatIsNotThere_NothingAndNoError()
    {
        var root = S3S2Commands.CreateRootCommand();

        var labels = root.Parse("receive --pgp-secret-key /no/such/folder/x").GetCompletions().Select(c => c.Label);

        Assert.That(labels, Is.Empty);
    }

    [TestCase("share", new[] { "share <PATH>... [options]", "--to <to>", "--pgp-key <pgp-key>", "--profile <profile>", "--sign-key <sign-key>" })]
    [TestCase("decrypt", new[] { "decrypt <FILE> [options]", "--out <out> (REQUIRED)", "--pgp-secret-key <pgp-secret-key>" })]
    [TestCase("receive", new[] { "--from <from>", "--pgp-secret-key <pgp-secret-key>" })]
    [TestCase("list", new[] { "--from <from>", "--pgp-secret-key <pgp-secret-key>" })]
    [TestCase("worker", new[] { "--pgp-secret-key <pgp-secret-key>" })]
    [TestCase("init", new[] { "--pgp-key <pgp-key>", "--out <out> (REQUIRED)" })]
    public async Task Help_InAFolderWithFiles_NamesEachPathValueAndListsNoEntryOfTheFolder(string command, string[] labels)
    {
        // Help prints a symbol's completions as its accepted values unless the symbol names its value: the folder's
        // entries stood there ('--to <payroll-2026.csv|quarterly-exports/>'), and in an empty folder nothing ('--out' read like a flag).
        using var work = new TempDirectory();
        work.WriteFile("payroll-2026.csv", [1]);
        Directory.CreateDirectory(work.Combine("quarterly-exports"));

        var result = await S3S2Program.RunAsync([command, "--help"], null, workingDirectory: work.Path);

        Assert.That(result.ExitCode, Is.Zero, result.StandardError);
        Assert.That(result.StandardOutput, Does.Not.Contain("payroll-2026.csv").And.Not.Contain("quarterly-exports"));
        var lines = result.StandardOutput.Split('\n').Select(line => line.Trim()).ToList();
        foreach (var label in labels)
        {
            Assert.That(lines, Has.Some.StartsWith(label).Or.Some.EndsWith(label), $"'{label}' in:{Environment.NewLine}{result.StandardOutput}");
        }
    }

    [Test]
    public async Task SuggestDirective_TheRealProgram_PrintsTheCommandsOptions()
    {
        const string line = "s3s2 share --sig";

        var result = await S3S2Program.RunAsync($"[suggest:{line.Length}]", line);

        Assert.That(result.ExitCode, Is.Zero, result.StandardError);
        Assert.That(result.StandardOutput.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries), Is.EqualTo(new[] { "--sign-key" }));
    }
}
