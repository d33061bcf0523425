using System.Diagnostics;
using System.Globalization;
using Amazon.Runtime;
using Amazon.S3;
using Amazon.S3.Model;

namespace S3S2.Sharing.Tests.Infrastructure;

/// <summary>
/// The AWS emulator of the integration tests that need S3's bucket-configuration APIs (public access block, encryption,
/// versioning, lifecycle, logging, ownership controls, policy, object lock, notifications): moto's <c>moto_server</c>
/// (Python), started once per test run on 127.0.0.1 on a free port and stopped by its process id at the end. State is
/// in memory, so each run starts empty. Set S3S2_TEST_MOTO_ENDPOINT to use a server that is already running instead.
/// </summary>
internal sealed class LocalMotoServer : IDisposable
{
    /// <summary>moto accepts any credentials; these name the tests in its logs.</summary>
    public const string AccessKey = "s3s2-tests";
    public const string SecretKey = "s3s2-tests";
    public const string Region = "us-east-1";

    /// <summary>The account id moto answers with.</summary>
    public const string AccountId = "123456789012";

    private static readonly Lazy<LocalMotoServer> Shared = new(Start, LazyThreadSafetyMode.ExecutionAndPublication);
    private readonly Process? _process;

    private LocalMotoServer(string endpoint, Process? process)
    {
        Endpoint = endpoint;
        _process = process;
    }

    /// <summary>Gets the running server, starting it on first use.</summary>
    public static LocalMotoServer Instance
    {
        get
        {
            if (Environment.GetEnvironmentVariable("S3S2_TEST_MOTO_ENDPOINT") is null && !ProcessRunner.IsOnPath("moto_server"))
            {
                RequiredTool.Missing("moto_server (Python moto, the local AWS emulator)");
            }

            return Shared.Value;
        }
    }

    public string Endpoint { get; }

    public static BasicAWSCredentials Credentials => new(AccessKey, SecretKey);

    /// <summary>The environment the s3s2 program needs to reach this server's S3 with the standard AWS chain.</summary>
    public static Dictionary<string, string?> ProgramEnvironment => new()
    {
        ["AWS_ACCESS_KEY_ID"] = AccessKey,
        ["AWS_SECRET_ACCESS_KEY"] = SecretKey,
        ["AWS_REGION"] = Region,
    };

    public static void StopIfStarted()
    {
        if (Shared.IsValueCreated)
        {
            Shared.Value.Dispose();
        }
    }

    /// <summary>A real SDK client for this server: path-style, as the library configures a custom endpoint.</summary>
    public AmazonS3Client CreateS3Client() => new(Credentials, new AmazonS3Config
    {
        ServiceURL = Endpoint,
        ForcePathStyle = true,
        AuthenticationRegion = Region,
        RequestChecksumCalculation = RequestChecksumCalculation.WHEN_REQUIRED,
        ResponseChecksumValidation = ResponseChecksumValidation.WHEN_REQUIRED,
    });

    public async Task<string> CreateBucketAsync()
    {
        var bucket = "s3s2-audit-" + Guid.NewGuid().ToString("N")[..12];
        using var client = CreateS3Client();
        await client.PutBucketAsync(new PutBucketRequest { BucketName = bucket });
        return bucket;
    }

    public void Dispose() => LocalServerProcess.Stop(_process);

    private static LocalMotoServer Start()
    {
        if (Environment.GetEnvironmentVariable("S3S2_TEST_MOTO_ENDPOINT") is { Length: > 0 } external)
        {
            return new LocalMotoServer(external, null);
        }

        var port = LocalServerProcess.FreePort();
        var endpoint = $"http://127.0.0.1:{port}";
        var process = LocalServerProcess.Start("moto_server", ["-H", "127.0.0.1", "-p", port.ToString(CultureInfo.InvariantCulture)], endpoint, TimeSpan.FromSeconds(30));
        return new LocalMotoServer(endpoint, process);
    }
}
