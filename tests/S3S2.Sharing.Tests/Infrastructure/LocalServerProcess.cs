using System.Diagnostics;
using System.Net;
using System.Net.Sockets;

namespace S3S2.Sharing.Tests.Infrastructure;

/// <summary>
/// Starts a local test server (s3rver, moto_server) as a child process on 127.0.0.1, drains its output so a full
/// pipe never blocks it, and waits until it answers HTTP; stops it by its process id.
/// </summary>
internal static class LocalServerProcess
{
    /// <summary>A port that was free a moment ago on 127.0.0.1.</summary>
    public static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    /// <summary>Starts <paramref name="fileName"/> and returns it once <paramref name="endpoint"/> answers; throws (and stops it) otherwise.</summary>
    public static Process Start(string fileName, IEnumerable<string> arguments, string endpoint, TimeSpan readyWithin)
    {
        var start = new ProcessStartInfo(fileName) { UseShellExecute = false, RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        var process = Process.Start(start)!;
        process.OutputDataReceived += (_, _) => { };
        process.ErrorDataReceived += (_, _) => { };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();

        using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(1) };
        var deadline = DateTime.UtcNow + readyWithin;
        while (DateTime.UtcNow < deadline)
        {
            if (process.HasExited)
            {
                var code = process.ExitCode;
                process.Dispose();
                throw new InvalidOperationException($"{fileName} exited at start with code {code}.");
            }

            try
            {
                using var response = http.GetAsync(new Uri(endpoint + "/")).GetAwaiter().GetResult();
                return process;
            }
            catch (Exception ex) when (ex is HttpRequestException or TaskCanceledException)
            {
                Thread.Sleep(100);
            }
        }

        Stop(process);
        throw new InvalidOperationException($"{fileName} did not answer at {endpoint} within {readyWithin.TotalSeconds:F0} s.");
    }

    /// <summary>Stops the server and everything it started.</summary>
    public static void Stop(Process? process)
    {
        if (process is not null && !process.HasExited)
        {
            process.Kill(entireProcessTree: true);
            process.WaitForExit(5000);
        }

        process?.Dispose();
    }
}
