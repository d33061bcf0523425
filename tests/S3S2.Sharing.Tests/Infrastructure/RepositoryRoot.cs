namespace S3S2.Sharing.Tests.Infrastructure;

/// <summary>Finds the repository root (the folder holding S3S2.Sharing.sln) from the test binaries.</summary>
internal static class RepositoryRoot
{
    public static string Path { get; } = Find();

    /// <summary>
    /// A program the test project builds beside itself (same configuration, net10.0), by its project folder relative to
    /// the root; throws when it was not built.
    /// </summary>
    public static string BuiltProgram(string projectFolder, string assemblyFile)
    {
        // bin/<Configuration>/net10.0, or bin/<Configuration>/net8.0/linux-x64 for the self-contained net8.0 run.
        var directory = new DirectoryInfo(AppContext.BaseDirectory.TrimEnd(System.IO.Path.DirectorySeparatorChar));
        while (directory.Parent is { Name: not "bin" })
        {
            directory = directory.Parent;
        }

        var configuration = directory.Name;
        var path = System.IO.Path.Combine(Path, projectFolder, "bin", configuration, "net10.0", assemblyFile);
        return File.Exists(path) ? path : throw new FileNotFoundException($"{assemblyFile} was not built at {path}; it is built with the tests.", path);
    }

    private static string Find()
    {
        for (var directory = new DirectoryInfo(AppContext.BaseDirectory); directory is not null; directory = directory.Parent)
        {
            if (File.Exists(System.IO.Path.Combine(directory.FullName, "S3S2.Sharing.sln")))
            {
                return directory.FullName;
            }
        }

        throw new InvalidOperationException($"No S3S2.Sharing.sln above {AppContext.BaseDirectory}.");
    }
}
