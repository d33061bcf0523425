namespace S3S2.Sharing.Tests.Infrastructure;

/// <summary>
/// A tool an integration test needs (node, gpg). Missing under CI (CI=true) is a failure, never a skip;
/// on a developer machine without it the test is ignored with the reason.
/// </summary>
internal static class RequiredTool
{
    public static bool IsCi => string.Equals(Environment.GetEnvironmentVariable("CI"), "true", StringComparison.OrdinalIgnoreCase);

    public static void Missing(string what)
    {
        if (IsCi)
        {
            Assert.Fail($"{what} is required under CI.");
        }

        Assert.Ignore($"{what} is not available here.");
    }
}
