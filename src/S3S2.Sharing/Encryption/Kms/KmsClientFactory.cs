using System.Text;
using Amazon;
using Amazon.KeyManagementService;
using Amazon.KeyManagementService.Model;
using Amazon.Runtime;
using Amazon.Runtime.Credentials.Internal;

namespace S3S2.Sharing.Encryption.Kms;

/// <summary>Builds an <see cref="IAmazonKeyManagementService"/> from the options when the host did not register one.</summary>
internal static class KmsClientFactory
{
    /// <summary>The client <see cref="Preload"/> started building, until <see cref="CreateDeferred"/> takes it; one at a time.</summary>
    private static PreloadedClient? s_preloaded;

    /// <summary>Whether the options ask for a client of their own rather than the host's.</summary>
    public static bool NeedsOwnClient(KmsEnvelopeEncryptionOptions options) =>
        options.ServiceUrl is not null || options.Region is not null || options.Credentials is not null;

    /// <summary>
    /// Whether the host's client serves keys of <paramref name="region"/>: it points at an endpoint of its own (a local or
    /// private KMS, which serves what it serves), or at that region.
    /// </summary>
    public static bool Reaches(IAmazonKeyManagementService host, string? region) =>
        host.Config.ServiceURL is not null
        || region is null
        || string.Equals(host.Config.RegionEndpoint?.SystemName, region, StringComparison.Ordinal);

    /// <summary>
    /// Starts building, on a thread-pool thread, the client <see cref="CreateDeferred"/> (or, for a receiver,
    /// <see cref="CreateOrTakePreloaded"/>) would build for these arguments (with the standard credential chain), and
    /// warms what its first call needs besides KMS: the credential chain and the SDK's code of a GenerateDataKey call
    /// (a Decrypt call when <paramref name="forDecrypt"/>), run by a throwaway client against an in-process handler. No
    /// request leaves the process. Nothing is decided there: a failure is dropped, and the client is then built where
    /// it is used and reports what it reports without this.
    /// </summary>
    public static void Preload(string? serviceUrl, string? region, CancellationToken cancellationToken, bool forDecrypt = false)
    {
        if (cancellationToken.IsCancellationRequested)
        {
            return;
        }

        // One at a time: a client preloaded before and never taken is dropped.
        var preloaded = new PreloadedClient(serviceUrl, region, forDecrypt);
        Interlocked.Exchange(ref s_preloaded, preloaded)?.Abandon();
        ThreadPool.UnsafeQueueUserWorkItem(static p => p.WarmUp(), preloaded, preferLocal: false);
    }

    public static AmazonKeyManagementServiceClient Create(string? serviceUrl, string? region, AWSCredentials? credentials) =>
        Build(serviceUrl, region, credentials);

    /// <summary>
    /// The client for these arguments: the one <see cref="Preload"/> built for the same endpoint and region (waiting
    /// for it when it is still being built), taken once; else, and when that preload failed, one built now.
    /// </summary>
    public static AmazonKeyManagementServiceClient CreateOrTakePreloaded(string? serviceUrl, string? region, AWSCredentials? credentials) =>
        Claim(serviceUrl, region, credentials)?.Take() ?? Build(serviceUrl, region, credentials);

    /// <summary>
    /// The client for these arguments, and what to call when it is never used (<see langword="null"/> unless the client
    /// comes from <see cref="Preload"/>). A client being preloaded is claimed now and taken at its first use, so the
    /// caller goes on while it is built; a finished preload that failed is built again now, as without it.
    /// </summary>
    public static (Lazy<IAmazonKeyManagementService> Client, Action? Abandon) CreateDeferred(string? serviceUrl, string? region, AWSCredentials? credentials)
    {
        if (Claim(serviceUrl, region, credentials) is { Failed: false } preloaded)
        {
            return (new Lazy<IAmazonKeyManagementService>(() => preloaded.Take() ?? Build(serviceUrl, region, credentials: null), LazyThreadSafetyMode.ExecutionAndPublication), preloaded.Abandon);
        }

        var client = Build(serviceUrl, region, credentials);
        return (new Lazy<IAmazonKeyManagementService>(() => client), null);
    }

    /// <summary>
    /// The preloaded client for these arguments, claimed once (no other caller gets it); <see langword="null"/> when
    /// there is none, it is for another endpoint or region, or explicit credentials are given.
    /// </summary>
    private static PreloadedClient? Claim(string? serviceUrl, string? region, AWSCredentials? credentials) =>
        credentials is null
        && Volatile.Read(ref s_preloaded) is { } preloaded
        && preloaded.IsFor(serviceUrl, region)
        && Interlocked.CompareExchange(ref s_preloaded, null, preloaded) == preloaded
            ? preloaded
            : null;

    private static AmazonKeyManagementServiceClient Build(string? serviceUrl, string? region, AWSCredentials? credentials)
    {
        var config = new AmazonKeyManagementServiceConfig();
        if (serviceUrl is not null)
        {
            config.ServiceURL = serviceUrl;
            config.AuthenticationRegion = region ?? "us-east-1";
        }
        else if (region is not null)
        {
            config.RegionEndpoint = RegionEndpoint.GetBySystemName(region);
        }

        return credentials is null ? new AmazonKeyManagementServiceClient(config) : new AmazonKeyManagementServiceClient(credentials, config);
    }

    /// <summary>A client being built ahead of its use, and the SDK code its first call runs, warmed.</summary>
    private sealed class PreloadedClient
    {
        private readonly object _lock = new();
        private readonly Lazy<AmazonKeyManagementServiceClient?> _client;
        private bool _abandoned;

        public PreloadedClient(string? serviceUrl, string? region, bool forDecrypt)
        {
            ServiceUrl = serviceUrl;
            Region = region;
            ForDecrypt = forDecrypt;
            _client = new(BuildAndWarm, LazyThreadSafetyMode.ExecutionAndPublication);
        }

        private string? ServiceUrl { get; }

        private string? Region { get; }

        /// <summary>Gets a value indicating whether the warm-up runs a Decrypt call (a receiver) rather than GenerateDataKey.</summary>
        private bool ForDecrypt { get; }

        /// <summary>Gets a value indicating whether the preload has ended without a client.</summary>
        public bool Failed => _client.IsValueCreated && _client.Value is null;

        public bool IsFor(string? url, string? region) =>
            string.Equals(url, ServiceUrl, StringComparison.Ordinal) && string.Equals(region, Region, StringComparison.Ordinal);

        public void WarmUp() => _ = _client.Value;

        /// <summary>The client, built by now or by this call; <see langword="null"/> when building it failed.</summary>
        public AmazonKeyManagementServiceClient? Take() => _client.Value;

        /// <summary>The client will not be used: disposed when built (now, or when the warm-up ends).</summary>
        public void Abandon()
        {
            lock (_lock)
            {
                _abandoned = true;
            }

            if (_client.IsValueCreated)
            {
                _client.Value?.Dispose();
            }
        }

        private AmazonKeyManagementServiceClient? BuildAndWarm()
        {
            var client = BuildAndWarm(ServiceUrl, Region, ForDecrypt);
            lock (_lock)
            {
                if (_abandoned)
                {
                    client?.Dispose();
                    return null;
                }
            }

            return client;
        }

        private static AmazonKeyManagementServiceClient? BuildAndWarm(string? serviceUrl, string? region, bool forDecrypt)
        {
            AmazonKeyManagementServiceClient client;
            try
            {
                client = Build(serviceUrl, region, credentials: null);
            }
#pragma warning disable CA1031 // A warm-up decides nothing: the caller builds the client again and reports what fails.
            catch (Exception)
            {
                return null;
            }

            try
            {
                // The standard chain, resolved once per process and cached by the SDK (environment, profile files and
                // their watchers, container or instance metadata): the client's first call then finds it resolved.
                _ = DefaultIdentityResolverConfiguration.ResolveDefaultIdentity<AWSCredentials>();
            }
            catch (Exception)
            {
                // No credentials here: the first call fails as it would have, with the SDK's message.
            }

            try
            {
                // The code of the one call a share (or a receive) makes (the SDK's pipeline: endpoint, signing,
                // marshalling, retries, unmarshalling), run by a throwaway client whose HTTP handler answers in-process:
                // nothing is sent.
                WarmUpCall(serviceUrl, region, forDecrypt);
            }
            catch (Exception)
            {
            }
#pragma warning restore CA1031

            return client;
        }

        private static void WarmUpCall(string? serviceUrl, string? region, bool forDecrypt)
        {
            var config = new AmazonKeyManagementServiceConfig { MaxErrorRetry = 0, HttpClientFactory = new AnsweringHttpClientFactory() };
            if (serviceUrl is not null)
            {
                config.ServiceURL = serviceUrl;
                config.AuthenticationRegion = region ?? "us-east-1";
            }
            else
            {
                config.RegionEndpoint = RegionEndpoint.GetBySystemName(region ?? "us-east-1");
            }

            using var client = new AmazonKeyManagementServiceClient(new BasicAWSCredentials("WARMUP", "warm-up"), config);
            if (forDecrypt)
            {
                var request = new DecryptRequest { KeyId = WarmUpKeyId, CiphertextBlob = new MemoryStream([0]), EncryptionContext = new() { ["s3s2:warm-up"] = "1" } };
                _ = client.DecryptAsync(request).GetAwaiter().GetResult();
            }
            else
            {
                var request = new GenerateDataKeyRequest { KeyId = WarmUpKeyId, NumberOfBytes = EsdkFormat.DataKeyLength, EncryptionContext = new() { ["s3s2:warm-up"] = "1" } };
                _ = client.GenerateDataKeyAsync(request).GetAwaiter().GetResult();
            }
        }
    }

    /// <summary>The key id of the warm-up call, which never leaves the process.</summary>
    internal const string WarmUpKeyId = "arn:aws:kms:us-east-1:000000000000:key/00000000-0000-0000-0000-000000000000";

    /// <summary>HTTP clients whose handler answers every request with a response GenerateDataKey and Decrypt both read, sending nothing.</summary>
    private sealed class AnsweringHttpClientFactory : HttpClientFactory
    {
        public override HttpClient CreateHttpClient(IClientConfig clientConfig) => new(new AnsweringHandler());

        public override bool UseSDKHttpClientCaching(IClientConfig clientConfig) => false;

        public override bool DisposeHttpClientsAfterUse(IClientConfig clientConfig) => true;
    }

    private sealed class AnsweringHandler : HttpMessageHandler
    {
        protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken) =>
            Task.FromResult(new HttpResponseMessage(System.Net.HttpStatusCode.OK)
            {
                RequestMessage = request,
                Content = new StringContent(
                    "{\"CiphertextBlob\":\"AA==\",\"KeyId\":\"" + WarmUpKeyId + "\",\"Plaintext\":\"AA==\"}",
                    Encoding.UTF8,
                    "application/x-amz-json-1.1"),
            });
    }
}
