using S3S2.Sharing.Tests.Infrastructure;

namespace S3S2.Sharing.Tests;

/// <summary>Stops what the tests started, once, after the last test of the assembly.</summary>
[SetUpFixture]
public sealed class TestRun
{
    [OneTimeTearDown]
    public void StopServers()
    {
        LocalS3Server.StopIfStarted();
        LocalKmsServer.StopIfStarted();
        LocalMotoServer.StopIfStarted();
    }
}
