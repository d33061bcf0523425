using System.Collections.Concurrent;
using System.Net;
using System.Net.Sockets;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Amazon.KeyManagementService;
using Amazon.Runtime;

namespace S3S2.Sharing.Tests.Infrastructure;

/// <summary>
/// A KMS-protocol endpoint on 127.0.0.1 for the tests (no KMS emulator can be installed here): JSON 1.1 over HTTP
/// (<c>X-Amz-Target: TrentService.GenerateDataKey | Encrypt | Decrypt | DescribeKey</c>), data keys wrapped with real
/// AES-GCM under per-key secrets, the encryption context bound as AAD (a different context fails like KMS:
/// InvalidCiphertextException), disabled and unknown keys answering DisabledException and NotFoundException.
/// Signatures are not checked. Every request is recorded for assertions.
/// </summary>
internal sealed class LocalKmsServer : IDisposable
{
    public const string Account = "111122223333";
    public const string Region = "us-east-1";
    private static readonly Lazy<LocalKmsServer> Shared = new(() => new LocalKmsServer(), LazyThreadSafetyMode.ExecutionAndPublication);
    private readonly HttpListener _listener = new();
    private readonly ConcurrentDictionary<Guid, KmsKey> _keys = new();
    private readonly CancellationTokenSource _stop = new();
    private readonly Task _loop;
    private readonly ConcurrentDictionary<string, byte> _invocations = new(StringComparer.Ordinal);

    private LocalKmsServer()
    {
        var port = LocalServerProcess.FreePort();
        Endpoint = $"http://127.0.0.1:{port}";
        _listener.Prefixes.Add(Endpoint + "/");
        _listener.Start();
        _loop = Task.Run(AcceptAsync);
    }

    /// <summary>Gets the server of the test run, started on first use.</summary>
    public static LocalKmsServer Instance => Shared.Value;

    public string Endpoint { get; }

    /// <summary>
    /// Gets every SDK call the server received, once: requests with the same invocation id are one call sent again by
    /// the HTTP stack (a pooled connection found closed; the test clients make no SDK retries, and the server answers
    /// nothing an SDK retries). One net8.0 CI run counted two GenerateDataKey requests where the library asks once.
    /// A request without an id is recorded on its own.
    /// </summary>
    public ConcurrentQueue<KmsCall> Calls { get; } = new();

    /// <summary>Gets every plaintext data key GenerateDataKey handed out (so tests can prove none leaks into logs).</summary>
    public ConcurrentQueue<byte[]> IssuedDataKeys { get; } = new();

    public static BasicAWSCredentials Credentials => new("AKIDLOCALKMS", "local-kms-secret");

    public static void StopIfStarted()
    {
        if (Shared.IsValueCreated)
        {
            Shared.Value.Dispose();
        }
    }

    /// <summary>Creates a key; returns its ARN.</summary>
    public string CreateKey(bool enabled = true)
    {
        var id = Guid.NewGuid();
        _keys[id] = new KmsKey(id, RandomNumberGenerator.GetBytes(32)) { Enabled = enabled, Arn = Arn(id) };
        return Arn(id);
    }

    /// <summary>Adds an enabled key under an ARN of the caller's choice (any region and account; its id must be a GUID).</summary>
    public string AddKey(string arn)
    {
        var id = IdOf(arn) ?? throw new ArgumentException($"'{arn}' does not end in key/<GUID>.", nameof(arn));
        _keys.TryAdd(id, new KmsKey(id, RandomNumberGenerator.GetBytes(32)) { Enabled = true, Arn = arn });
        return arn;
    }

    public void SetEnabled(string arn, bool enabled) => _keys[IdOf(arn)!.Value].Enabled = enabled;

    public static string UnknownKeyArn() => Arn(Guid.NewGuid());

    public IEnumerable<KmsCall> CallsFor(string keyArn) => Calls.Where(c => c.KeyId == keyArn);

    /// <summary>A real SDK client for this endpoint.</summary>
    public AmazonKeyManagementServiceClient CreateClient() =>
        new(Credentials, new AmazonKeyManagementServiceConfig { ServiceURL = Endpoint, AuthenticationRegion = Region, MaxErrorRetry = 0 });

    public void Dispose()
    {
        _stop.Cancel();
        _listener.Close();
        try
        {
            _loop.Wait(TimeSpan.FromSeconds(5));
        }
        catch (AggregateException)
        {
        }

        _stop.Dispose();
    }

    private void Record(KmsCall call)
    {
        if (call.InvocationId is null || _invocations.TryAdd(call.InvocationId, 0))
        {
            Calls.Enqueue(call);
        }
    }

    private static string Arn(Guid id) => $"arn:aws:kms:{Region}:{Account}:key/{id}";

    private static Guid? IdOf(string? keyId)
    {
        if (keyId is null)
        {
            return null;
        }

        var last = keyId.StartsWith("arn:", StringComparison.Ordinal) ? keyId[(keyId.LastIndexOf("key/", StringComparison.Ordinal) + 4)..] : keyId;
        return Guid.TryParse(last, out var id) ? id : null;
    }

    private async Task AcceptAsync()
    {
        while (!_stop.IsCancellationRequested)
        {
            HttpListenerContext context;
            try
            {
                context = await _listener.GetContextAsync();
            }
            catch (Exception ex) when (ex is HttpListenerException or ObjectDisposedException or InvalidOperationException)
            {
                return;
            }

            _ = Task.Run(() => HandleAsync(context));
        }
    }

    private async Task HandleAsync(HttpListenerContext http)
    {
        int status;
        JsonObject body;
        try
        {
            using var reader = new StreamReader(http.Request.InputStream, Encoding.UTF8);
            var request = JsonNode.Parse(await reader.ReadToEndAsync())?.AsObject() ?? [];
            var target = http.Request.Headers["X-Amz-Target"] ?? string.Empty;
            (status, body) = Handle(target.Replace("TrentService.", string.Empty, StringComparison.Ordinal), request, http.Request.Headers["amz-sdk-invocation-id"]);
        }
        catch (Exception ex) when (ex is JsonException or FormatException or InvalidOperationException or KeyNotFoundException)
        {
            (status, body) = Error("ValidationException", ex.Message);
        }

        var bytes = Encoding.UTF8.GetBytes(body.ToJsonString());
        http.Response.StatusCode = status;
        http.Response.ContentType = "application/x-amz-json-1.1";
        http.Response.Headers["x-amzn-RequestId"] = Guid.NewGuid().ToString();
        if (status != 200)
        {
            http.Response.Headers["x-amzn-ErrorType"] = body["__type"]!.GetValue<string>();
        }

        http.Response.ContentLength64 = bytes.Length;
        await http.Response.OutputStream.WriteAsync(bytes);
        http.Response.Close();
    }

    private (int Status, JsonObject Body) Handle(string operation, JsonObject request, string? invocationId)
    {
        var context = ReadContext(request["EncryptionContext"]);
        var keyId = request["KeyId"]?.GetValue<string>();
        switch (operation)
        {
            case "GenerateDataKey":
            {
                var key = Find(keyId, out var error);
                Record(new KmsCall(operation, keyId, context, invocationId));
                if (key is null)
                {
                    return error!.Value;
                }

                var size = request["NumberOfBytes"]?.GetValue<int>() ?? (request["KeySpec"]?.GetValue<string>() == "AES_128" ? 16 : 32);
                var plaintext = RandomNumberGenerator.GetBytes(size);
                IssuedDataKeys.Enqueue(plaintext);
                return (200, new JsonObject { ["CiphertextBlob"] = Convert.ToBase64String(Wrap(key, plaintext, context)), ["Plaintext"] = Convert.ToBase64String(plaintext), ["KeyId"] = key.Arn });
            }

            case "Encrypt":
            {
                var key = Find(keyId, out var error);
                Record(new KmsCall(operation, keyId, context, invocationId));
                if (key is null)
                {
                    return error!.Value;
                }

                var plaintext = Convert.FromBase64String(request["Plaintext"]!.GetValue<string>());
                return (200, new JsonObject { ["CiphertextBlob"] = Convert.ToBase64String(Wrap(key, plaintext, context)), ["KeyId"] = key.Arn, ["EncryptionAlgorithm"] = "SYMMETRIC_DEFAULT" });
            }

            case "Decrypt":
            {
                var blob = Convert.FromBase64String(request["CiphertextBlob"]!.GetValue<string>());
                Record(new KmsCall(operation, keyId, context, invocationId));
                if (blob.Length < 1 + 16 + 12 + 16)
                {
                    return Error("InvalidCiphertextException", null);
                }

                var blobKeyId = new Guid(blob.AsSpan(1, 16));
                if (keyId is not null && IdOf(keyId) != blobKeyId)
                {
                    return Error("IncorrectKeyException", "The key ID in the request does not identify a KMS key that can perform this operation.");
                }

                var key = Find(blobKeyId.ToString(), out var error);
                if (key is null)
                {
                    return error!.Value;
                }

                var plaintext = new byte[blob.Length - 1 - 16 - 12 - 16];
                try
                {
                    using var aes = new AesGcm(key.Secret, 16);
                    aes.Decrypt(blob.AsSpan(17, 12), blob.AsSpan(29, plaintext.Length), blob.AsSpan(29 + plaintext.Length), plaintext, Aad(context));
                }
                catch (CryptographicException)
                {
                    return Error("InvalidCiphertextException", null);
                }

                return (200, new JsonObject { ["Plaintext"] = Convert.ToBase64String(plaintext), ["KeyId"] = key.Arn, ["EncryptionAlgorithm"] = "SYMMETRIC_DEFAULT" });
            }

            case "DescribeKey":
            {
                Record(new KmsCall(operation, keyId, context, invocationId));
                var id = IdOf(keyId);
                if (id is null || !_keys.TryGetValue(id.Value, out var key))
                {
                    return Error("NotFoundException", $"Key '{keyId}' does not exist");
                }

                return (200, new JsonObject
                {
                    ["KeyMetadata"] = new JsonObject
                    {
                        ["AWSAccountId"] = Account,
                        ["KeyId"] = key.Id.ToString(),
                        ["Arn"] = key.Arn,
                        ["Enabled"] = key.Enabled,
                        ["KeyState"] = key.Enabled ? "Enabled" : "Disabled",
                        ["KeyUsage"] = "ENCRYPT_DECRYPT",
                        ["KeySpec"] = "SYMMETRIC_DEFAULT",
                        ["KeyManager"] = "CUSTOMER",
                        ["Origin"] = "AWS_KMS",
                    },
                });
            }

            default:
                return Error("UnknownOperationException", null);
        }
    }

    private KmsKey? Find(string? keyId, out (int, JsonObject)? error)
    {
        error = null;
        var id = IdOf(keyId);
        if (id is null || !_keys.TryGetValue(id.Value, out var key))
        {
            error = Error("NotFoundException", $"Key '{keyId}' does not exist");
            return null;
        }

        if (!key.Enabled)
        {
            error = Error("DisabledException", $"{key.Arn} is disabled.");
            return null;
        }

        return key;
    }

    private static (int, JsonObject) Error(string type, string? message) => (400, new JsonObject { ["__type"] = type, ["message"] = message });

    private static SortedDictionary<string, string> ReadContext(JsonNode? node)
    {
        var context = new SortedDictionary<string, string>(StringComparer.Ordinal);
        foreach (var (name, value) in node?.AsObject() ?? [])
        {
            context[name] = value!.GetValue<string>();
        }

        return context;
    }

    private static byte[] Aad(SortedDictionary<string, string> context) => JsonSerializer.SerializeToUtf8Bytes(context);

    private static byte[] Wrap(KmsKey key, byte[] plaintext, SortedDictionary<string, string> context)
    {
        var blob = new byte[1 + 16 + 12 + plaintext.Length + 16];
        blob[0] = 1;
        key.Id.TryWriteBytes(blob.AsSpan(1, 16));
        RandomNumberGenerator.Fill(blob.AsSpan(17, 12));
        using var aes = new AesGcm(key.Secret, 16);
        aes.Encrypt(blob.AsSpan(17, 12), plaintext, blob.AsSpan(29, plaintext.Length), blob.AsSpan(29 + plaintext.Length), Aad(context));
        return blob;
    }

    /// <summary>One request the server received; <paramref name="InvocationId"/> is the SDK's <c>amz-sdk-invocation-id</c>, the same on every send of one SDK call.</summary>
    public sealed record KmsCall(string Operation, string? KeyId, IReadOnlyDictionary<string, string> EncryptionContext, string? InvocationId);

    private sealed class KmsKey(Guid id, byte[] secret)
    {
        public Guid Id { get; } = id;

        public byte[] Secret { get; } = secret;

        public bool Enabled { get; set; }

        public required string Arn { get; init; }
    }
}
