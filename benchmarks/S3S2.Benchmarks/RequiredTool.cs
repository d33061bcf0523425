namespace S3S2.Sharing.Tests.Infrastructure;

/// <summary>The benchmark's answer to a missing tool the tests' launchers ask for: stop, naming it (the tests skip instead).</summary>
internal static class RequiredTool
{
    public static void Missing(string what) => throw new InvalidOperationException($"{what} is required by the benchmark. Install it and run again.");
}
