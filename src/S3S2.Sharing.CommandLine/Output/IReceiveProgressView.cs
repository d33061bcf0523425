using S3S2.Sharing.Receiving;

namespace S3S2.Sharing.CommandLine.Output;

/// <summary>Shows a receive's progress while it runs: live on a terminal, plain lines when redirected.</summary>
internal interface IReceiveProgressView
{
    /// <summary>Runs the receive (one share or all of them) with a progress sink for the library, showing what it reports.</summary>
    Task<T> RunAsync<T>(Func<IProgress<ReceiveProgress>, Task<T>> receive);
}
