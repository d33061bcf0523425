namespace S3S2.Sharing.CommandLine.Output;

/// <summary>Shows a share's progress while it runs: live on a terminal, plain lines when redirected.</summary>
internal interface IShareProgressView
{
    /// <summary>Runs the share with a progress sink for the library, showing what it reports.</summary>
    Task<ShareReceipt> RunAsync(Func<IProgress<ShareProgress>, Task<ShareReceipt>> share);
}
