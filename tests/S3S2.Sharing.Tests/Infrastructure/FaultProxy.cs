using System.Collections.Concurrent;
using System.Net;
using System.Net.Sockets;
using System.Text;

namespace S3S2.Sharing.Tests.Infrastructure;

/// <summary>
/// A small HTTP proxy on 127.0.0.1 between a real SDK client and the local S3 server that injects faults on the wire:
/// one request per connection (answers carry <c>Connection: close</c>), and a fault for the first matching requests.
/// </summary>
internal sealed class FaultProxy : IDisposable
{
    private readonly TcpListener _listener = new(IPAddress.Loopback, 0);
    private readonly Uri _upstream;
    private readonly CancellationTokenSource _stop = new();
    private readonly List<TcpClient> _stalled = [];
    private int _remaining;

    public FaultProxy(string upstream, WireFault fault, Func<string, bool> applies, int times)
    {
        _upstream = new Uri(upstream);
        Kind = fault;
        Applies = applies;
        _remaining = times;
        _listener.Start();
        Endpoint = $"http://127.0.0.1:{((IPEndPoint)_listener.LocalEndpoint).Port}";
        _ = AcceptAsync();
    }

    public string Endpoint { get; }

    public WireFault Kind { get; }

    /// <summary>Gets which requests (by their request line, e.g. <c>GET /bucket/key HTTP/1.1</c>) get the fault.</summary>
    public Func<string, bool> Applies { get; }

    /// <summary>Gets how many faults were injected.</summary>
    public int Injected { get; private set; }

    /// <summary>Gets the head (request line and headers) of every request that reached the proxy, in arrival order.</summary>
    public ConcurrentQueue<string> RequestHeads { get; } = new();

    public void Dispose()
    {
        _stop.Cancel();
        _listener.Stop();
        lock (_stalled)
        {
            foreach (var client in _stalled)
            {
                client.Dispose();
            }
        }

        _stop.Dispose();
    }

    private async Task AcceptAsync()
    {
        while (!_stop.IsCancellationRequested)
        {
            TcpClient client;
            try
            {
                client = await _listener.AcceptTcpClientAsync(_stop.Token);
            }
            catch (Exception ex) when (ex is OperationCanceledException or ObjectDisposedException or SocketException)
            {
                return;
            }

            _ = Task.Run(() => HandleAsync(client));
        }
    }

    private async Task HandleAsync(TcpClient client)
    {
        var keepOpen = false;
        try
        {
            var downstream = client.GetStream();
            var (head, body) = await ReadMessageAsync(downstream);
            if (head is null)
            {
                return;
            }

            RequestHeads.Enqueue(head);
            var requestLine = head[..head.IndexOf("\r\n", StringComparison.Ordinal)];
            var fault = Applies(requestLine) && Interlocked.Decrement(ref _remaining) >= 0 ? Kind : (WireFault?)null;
            if (fault is not null)
            {
                Injected++;
            }

            switch (fault)
            {
                case WireFault.ServiceUnavailable:
                    await WriteErrorAsync(downstream, "503 Service Unavailable", "SlowDown", "Please reduce your request rate.");
                    return;
                case WireFault.InternalError:
                    await WriteErrorAsync(downstream, "500 Internal Server Error", "InternalError", "We encountered an internal error. Please try again.");
                    return;
                case WireFault.Reset:
                    client.Client.LingerState = new LingerOption(true, 0);
                    client.Client.Close();
                    return;
            }

            using var upstream = new TcpClient();
            await upstream.ConnectAsync(_upstream.Host, _upstream.Port);
            var upstreamStream = upstream.GetStream();
            await upstreamStream.WriteAsync(Encoding.ASCII.GetBytes(WithConnectionClose(head)));
            await upstreamStream.WriteAsync(body);
            var (responseHead, responseBody) = await ReadMessageAsync(upstreamStream, headOnly: requestLine.StartsWith("HEAD ", StringComparison.Ordinal));
            if (responseHead is null)
            {
                return;
            }

            await downstream.WriteAsync(Encoding.ASCII.GetBytes(WithConnectionClose(responseHead)));
            if (fault is WireFault.CutBody or WireFault.StallBody)
            {
                await downstream.WriteAsync(responseBody.AsMemory(0, responseBody.Length / 2));
                await downstream.FlushAsync();
                if (fault is WireFault.StallBody)
                {
                    keepOpen = true;
                    lock (_stalled)
                    {
                        _stalled.Add(client);
                    }
                }

                return;
            }

            await downstream.WriteAsync(responseBody);
        }
        catch (Exception ex) when (ex is IOException or SocketException or ObjectDisposedException)
        {
            // The client went away; nothing to forward.
        }
        finally
        {
            if (!keepOpen)
            {
                client.Dispose();
            }
        }
    }

    /// <summary>Reads one HTTP/1.1 message: its head (up to the blank line) and a Content-Length body.</summary>
    private static async Task<(string? Head, byte[] Body)> ReadMessageAsync(NetworkStream stream, bool headOnly = false)
    {
        var buffer = new List<byte>();
        var one = new byte[1];
        while (buffer.Count < 4 || !(buffer[^4] == '\r' && buffer[^3] == '\n' && buffer[^2] == '\r' && buffer[^1] == '\n'))
        {
            if (await stream.ReadAsync(one) == 0)
            {
                return (null, []);
            }

            buffer.Add(one[0]);
        }

        var head = Encoding.ASCII.GetString(buffer.ToArray());
        var length = head.Split("\r\n").Select(l => l.Split(':', 2)).Where(p => p.Length == 2 && p[0].Trim().Equals("Content-Length", StringComparison.OrdinalIgnoreCase))
            .Select(p => long.Parse(p[1].Trim(), System.Globalization.CultureInfo.InvariantCulture)).FirstOrDefault();
        var body = new byte[headOnly ? 0 : length];
        await stream.ReadExactlyAsync(body);
        return (head, body);
    }

    /// <summary>
    /// The head with <c>Connection: close</c>. <c>Expect: 100-continue</c> is dropped: the proxy already holds the body,
    /// and an upstream's interim 100 answer would otherwise be taken for the response.
    /// </summary>
    private static string WithConnectionClose(string head)
    {
        var lines = head[..^4].Split("\r\n").Where(l => !l.StartsWith("Connection:", StringComparison.OrdinalIgnoreCase) && !l.StartsWith("Expect:", StringComparison.OrdinalIgnoreCase));
        return string.Join("\r\n", lines) + "\r\nConnection: close\r\n\r\n";
    }

    private static async Task WriteErrorAsync(NetworkStream stream, string status, string code, string message)
    {
        var body = Encoding.UTF8.GetBytes($"<?xml version=\"1.0\" encoding=\"UTF-8\"?><Error><Code>{code}</Code><Message>{message}</Message><RequestId>FAULTPROXY</RequestId></Error>");
        var head = $"HTTP/1.1 {status}\r\nContent-Type: application/xml\r\nContent-Length: {body.Length}\r\nConnection: close\r\n\r\n";
        await stream.WriteAsync(Encoding.ASCII.GetBytes(head));
        await stream.WriteAsync(body);
    }
}
