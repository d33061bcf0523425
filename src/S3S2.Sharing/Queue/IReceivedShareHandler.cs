namespace S3S2.Sharing.Queue;

/// <summary>
/// What the application does with a share the queue worker received, for example loading its CSV files into a
/// warehouse. Register implementations in the service collection (<c>services.AddSingleton&lt;IReceivedShareHandler, MyHandler&gt;()</c>
/// for every worker; <c>services.AddKeyedSingleton&lt;IReceivedShareHandler, MyHandler&gt;("acme")</c> for the worker of the
/// client named "acme" only); a worker calls every one of them, the host-wide ones first, each in registration order,
/// only after every file of the share is in place and verified.
/// </summary>
/// <remarks>
/// SQS delivers at least once: after a crash, a timeout or a duplicate notification the same share may be handed over
/// again, also to another worker. Handlers must be idempotent, keyed by <see cref="VerifiedShare.ShareId"/> (for
/// example an upsert or a "loaded shares" table). When every handler returned, the worker records it
/// (<c>&lt;output&gt;/&lt;shareId&gt;.handled</c>) and later deliveries are deleted without calling them again. A handler
/// that throws leaves the message for redelivery, and after the queue's redrive limit in its dead-letter queue.
/// </remarks>
public interface IReceivedShareHandler
{
    /// <summary>Handles one verified share.</summary>
    /// <param name="share">The share: its id, sender, and the verified files on disk.</param>
    /// <param name="cancellationToken">Cancelled when the host stops.</param>
    /// <returns>A task that completes when the share is handled.</returns>
    Task HandleAsync(VerifiedShare share, CancellationToken cancellationToken);
}
