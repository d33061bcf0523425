using System.Collections.Concurrent;
using System.Net;
using System.Net.Sockets;
using System.Security.Cryptography;

namespace S3S2.Sharing.Tests.Infrastructure;

/// <summary>
/// Sits between the AWS SDK and the local S3 server (the SDK's own HTTP client, through
/// <see cref="FaultInjectingHttpClientFactory"/>): records every request with the MD5 of its body, and injects the
/// planned faults into requests that match. Unlike <see cref="FaultProxy"/> it sees each request as the SDK sends it
/// (headers, body, the abort call), so tests can check what went out, not only what came back.
/// </summary>
internal sealed class FaultInjectingHandler() : DelegatingHandler(new SocketsHttpHandler())
{
    private readonly ConcurrentQueue<(Func<HttpRequestMessage, bool> Match, PipelineFault Fault)> _plan = new();
    private readonly ConcurrentQueue<(Func<HttpRequestMessage, bool> Match, PipelineFault Fault)> _always = new();

    /// <summary>Gets every request seen: method, path and query, the Content-MD5 header and the MD5 of the body actually sent.</summary>
    public ConcurrentQueue<(HttpMethod Method, string PathAndQuery, string? ContentMd5, string? BodyMd5, PipelineFault? Fault)> Requests { get; } = new();

    /// <summary>The next request that matches gets the fault (once per call; planned faults are used in order).</summary>
    public void Once(Func<HttpRequestMessage, bool> match, PipelineFault fault) => _plan.Enqueue((match, fault));

    /// <summary>Every request that matches gets the fault until <see cref="Heal"/>.</summary>
    public void Always(Func<HttpRequestMessage, bool> match, PipelineFault fault) => _always.Enqueue((match, fault));

    public void Heal()
    {
        _plan.Clear();
        _always.Clear();
    }

    /// <summary>Matches an UploadPart request.</summary>
    public static bool IsUploadPart(HttpRequestMessage request) =>
        request.Method == HttpMethod.Put && request.RequestUri!.Query.Contains("partNumber=", StringComparison.Ordinal);

    /// <summary>Matches a single-request PutObject.</summary>
    public static bool IsPutObject(HttpRequestMessage request) =>
        request.Method == HttpMethod.Put && !request.RequestUri!.Query.Contains("partNumber=", StringComparison.Ordinal) && request.RequestUri.AbsolutePath.Count(c => c == '/') > 1;

    protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        string? bodyMd5 = null;
        if (request.Content is not null)
        {
            // Read the body as it would go out, then send the same bytes with the same headers.
            var body = await request.Content.ReadAsByteArrayAsync(cancellationToken);
            var replay = new ByteArrayContent(body);
            foreach (var header in request.Content.Headers)
            {
                replay.Headers.TryAddWithoutValidation(header.Key, header.Value);
            }

            request.Content = replay;
#pragma warning disable CA5351 // S3's Content-MD5 is computed independently here to check the uploader's header.
            bodyMd5 = Convert.ToBase64String(MD5.HashData(body));
#pragma warning restore CA5351
        }

        var fault = Take(request);
        Requests.Enqueue((request.Method, request.RequestUri!.PathAndQuery, request.Content?.Headers.ContentMD5 is { } md5 ? Convert.ToBase64String(md5) : null, bodyMd5, fault));
        switch (fault)
        {
            case PipelineFault.SlowDown:
                return Error(HttpStatusCode.ServiceUnavailable, "SlowDown", "Please reduce your request rate.");
            case PipelineFault.InternalError:
                return Error(HttpStatusCode.InternalServerError, "InternalError", "We encountered an internal error. Please try again.");
            case PipelineFault.ConnectionReset:
                throw new HttpRequestException(
                    HttpRequestError.ResponseEnded,
                    "An error occurred while sending the request.",
                    new IOException("Unable to read data from the transport connection: Connection reset by peer.", new SocketException((int)SocketError.ConnectionReset)));
            case PipelineFault.Slow:
                await Task.Delay(TimeSpan.FromSeconds(2), cancellationToken);
                break;
        }

        return await base.SendAsync(request, cancellationToken);
    }

    private PipelineFault? Take(HttpRequestMessage request)
    {
        foreach (var (match, fault) in _always)
        {
            if (match(request))
            {
                return fault;
            }
        }

        lock (_plan)
        {
            var count = _plan.Count;
            for (var i = 0; i < count; i++)
            {
                _plan.TryDequeue(out var planned);
                if (planned.Match(request))
                {
                    // Taken: the other planned faults keep their order.
                    for (var j = i + 1; j < count; j++)
                    {
                        _plan.TryDequeue(out var rest);
                        _plan.Enqueue(rest);
                    }

                    return planned.Fault;
                }

                _plan.Enqueue(planned);
            }
        }

        return null;
    }

    private static HttpResponseMessage Error(HttpStatusCode status, string code, string message) => new(status)
    {
        Content = new StringContent(
            $"<?xml version=\"1.0\" encoding=\"UTF-8\"?><Error><Code>{code}</Code><Message>{message}</Message><RequestId>fault-injected</RequestId></Error>",
            System.Text.Encoding.UTF8,
            "application/xml"),
    };
}
