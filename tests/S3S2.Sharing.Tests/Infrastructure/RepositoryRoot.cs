namespace S3S2.Sharing.Tests.Infrastructure;

/// <summary>Finds the repository root (the folder holding S3S2.Sharing.sln) from the test binaries.</summary>
internal static class RepositoryRoot
{
    public static string Path { get; } = Find();

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
