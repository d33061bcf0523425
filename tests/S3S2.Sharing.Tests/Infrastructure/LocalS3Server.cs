using System.Diagnostics;
using Amazon.Runtime;
using Amazon.S3;
using Amazon.S3.Model;

namespace S3S2.Sharing.Tests.Infrastructure;

/// <summary>
/// The S3-protocol server of the integration tests: s3rver, pinned in LocalS3/package-lock.json, installed
/// with <c>npm ci</c> on first use and started on 127.0.0.1 on a free port with a fresh data folder.
/// Set S3S2_TEST_S3_ENDPOINT to use a server that is already running instead.
/// </summary>
internal sealed class LocalS3Server : IDisposable
{
    public const string AccessKey = "S3RVER";
    public const string SecretKey = "S3RVER";
    private static readonly Lazy<LocalS3Server> Shared = new(Start, LazyThreadSafetyMode.ExecutionAndPublication);
    private readonly Process? _process;

    private LocalS3Server(string endpoint, string? dataDirectory, Process? process)
    {
        Endpoint = endpoint;
        DataDirectory = dataDirectory;
        _process = process;
    }

    /// <summary>Gets the running server, starting it on first use.</summary>
    public static LocalS3Server Instance
    {
        get
        {
            if (Environment.GetEnvironmentVariable("S3S2_TEST_S3_ENDPOINT") is null && !ProcessRunner.IsOnPath("node"))
            {
                RequiredTool.Missing("Node.js (to run the local S3 server)");
            }

            return Shared.Value;
        }
    }

    public string Endpoint { get; }

    /// <summary>Gets where s3rver keeps objects (<c>&lt;bucket&gt;/&lt;key&gt;._S3rver_object</c>); null for an external server.</summary>
    public string? DataDirectory { get; }

    public static BasicAWSCredentials Credentials => new(AccessKey, SecretKey);

    public static void StopIfStarted()
    {
        if (Shared.IsValueCreated)
        {
            Shared.Value.Dispose();
        }
    }

    /// <summary>A real SDK client for this server, configured as the library configures its own.</summary>
    public AmazonS3Client CreateClient() => new(Credentials, new AmazonS3Config
    {
        ServiceURL = Endpoint,
        ForcePathStyle = true,
        AuthenticationRegion = "us-east-1",
        RequestChecksumCalculation = RequestChecksumCalculation.WHEN_REQUIRED,
        ResponseChecksumValidation = ResponseChecksumValidation.WHEN_REQUIRED,
    });

    public async Task<string> CreateBucketAsync()
    {
        var bucket = "s3s2-test-" + Guid.NewGuid().ToString("N")[..12];
        using var client = CreateClient();
        await client.PutBucketAsync(new PutBucketRequest { BucketName = bucket });
        return bucket;
    }

    public async Task<byte[]> GetObjectBytesAsync(string bucket, string key)
    {
        using var client = CreateClient();
        using var response = await client.GetObjectAsync(bucket, key);
        using var buffer = new MemoryStream();
        await response.ResponseStream.CopyToAsync(buffer);
        return buffer.ToArray();
    }

    public async Task<List<string>> ListKeysAsync(string bucket, string prefix = "")
    {
        using var client = CreateClient();
        var keys = new List<string>();
        var request = new ListObjectsV2Request { BucketName = bucket, Prefix = prefix };
        ListObjectsV2Response response;
        do
        {
            response = await client.ListObjectsV2Async(request);
            keys.AddRange((response.S3Objects ?? []).Select(o => o.Key));
            request.ContinuationToken = response.NextContinuationToken;
        }
        while (response.IsTruncated == true);
        return keys;
    }

    public void Dispose()
    {
        LocalServerProcess.Stop(_process);
        if (DataDirectory is not null && Directory.Exists(DataDirectory))
        {
            Directory.Delete(DataDirectory, recursive: true);
        }
    }

    private static LocalS3Server Start()
    {
        if (Environment.GetEnvironmentVariable("S3S2_TEST_S3_ENDPOINT") is { Length: > 0 } external)
        {
            return new LocalS3Server(external, null, null);
        }

        var packageDirectory = Path.Combine(RepositoryRoot.Path, "tests", "S3S2.Sharing.Tests", "LocalS3");
        var script = Path.Combine(packageDirectory, "node_modules", "s3rver", "bin", "s3rver.js");
        if (!File.Exists(script))
        {
            var install = ProcessRunner.RunAsync("npm", ["ci", "--no-audit", "--no-fund"], workingDirectory: packageDirectory).GetAwaiter().GetResult();
            if (install.ExitCode != 0 || !File.Exists(script))
            {
                throw new InvalidOperationException($"'npm ci' in {packageDirectory} failed ({install.ExitCode}): {install.StandardError}");
            }
        }

        var port = LocalServerProcess.FreePort();
        var endpoint = $"http://127.0.0.1:{port}";
        var data = Directory.CreateTempSubdirectory("s3s2-s3rver-").FullName;
        try
        {
            var process = LocalServerProcess.Start(
                "node", [script, "-d", data, "-a", "127.0.0.1", "-p", port.ToString(System.Globalization.CultureInfo.InvariantCulture), "--silent"], endpoint, TimeSpan.FromSeconds(20));
            return new LocalS3Server(endpoint, data, process);
        }
        catch
        {
            Directory.Delete(data, recursive: true);
            throw;
        }
    }
}
