using Amazon.Runtime;

namespace S3S2.Sharing.Queue;

/// <summary>
/// Options of the share queue worker (<c>AddShareQueueWorker(...)</c>): which SQS queue carries the bucket's event
/// notifications for new manifests, where received shares are written, and how many are received at once. The bucket
/// and prefix a message must name are the receiving client's own (<see cref="ShareClientOptions.Bucket"/> and
/// <see cref="ShareClientOptions.Prefix"/>); a message naming anything else is refused and never followed.
/// </summary>
public sealed class ShareQueueWorkerOptions
{
    /// <summary>Gets or sets the URL of the SQS queue the bucket notifies (for example <c>https://sqs.eu-west-1.amazonaws.com/123456789012/s3s2-shares</c>).</summary>
    /// <value>Required.</value>
    public string? QueueUrl { get; set; }

    /// <summary>Gets or sets the endpoint of an SQS-compatible service.</summary>
    /// <value><see langword="null"/>: Amazon SQS (the host's <c>IAmazonSQS</c> when it registered one and set no <see cref="Region"/> or <see cref="Credentials"/>).</value>
    public string? ServiceUrl { get; set; }

    /// <summary>Gets or sets the AWS region of the queue.</summary>
    /// <value><see langword="null"/>: the standard AWS chain (AWS_REGION, profile).</value>
    public string? Region { get; set; }

    /// <summary>Gets or sets explicit credentials for SQS.</summary>
    /// <value><see langword="null"/>: the standard AWS chain.</value>
    public AWSCredentials? Credentials { get; set; }

    /// <summary>
    /// Gets or sets the folder each share is written to, as <c>&lt;folder&gt;/&lt;shareId&gt;/&lt;relative path&gt;</c> (like
    /// <c>s3s2 receive --out</c>), with the marker <c>&lt;folder&gt;/&lt;shareId&gt;.received</c> once every file is in
    /// place. Workers on several machines share one (mounted) folder, so a share one of them finished is found done by
    /// the others; with other destinations (an <see cref="IReceivedShareHandler"/>) it is where files are verified first.
    /// </summary>
    /// <value>Required.</value>
    public string? OutputDirectory { get; set; }

    /// <summary>Gets or sets how many shares one worker receives at once (each with the receive client's own file parallelism).</summary>
    /// <value>4; between 1 and 256.</value>
    public int MaxConcurrentShares { get; set; } = 4;

    /// <summary>
    /// Gets or sets the visibility timeout asked for each message, and renewed (ChangeMessageVisibility) every third of
    /// it while its share is still being received, so a large share is not handed to a second worker; a worker that dies
    /// stops renewing, and the message is delivered again after at most this long.
    /// </summary>
    /// <value>2 minutes; between 3 seconds and 12 hours.</value>
    public TimeSpan VisibilityTimeout { get; set; } = TimeSpan.FromMinutes(2);

    /// <summary>
    /// Gets or sets how long a message whose share failed stays invisible before it is delivered again. After the queue's
    /// redrive policy's maxReceiveCount deliveries, SQS moves it to the dead-letter queue.
    /// </summary>
    /// <value>30 seconds; between 0 and 12 hours.</value>
    public TimeSpan RetryDelay { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>Gets or sets how long one ReceiveMessage call waits for a message (long polling).</summary>
    /// <value>20 seconds (the most SQS allows); between 0 and 20 seconds.</value>
    public TimeSpan WaitTime { get; set; } = TimeSpan.FromSeconds(20);

    /// <summary>
    /// Gets or sets how long shares in progress may go on finishing when the host stops; what has not finished by then
    /// is cancelled (nothing of an unfinished file is kept) and its message released (visibility 0) for another worker.
    /// </summary>
    /// <value>5 seconds; between 0 and 10 minutes.</value>
    public TimeSpan StopTimeout { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>
    /// Gets or sets a value indicating whether a share's objects are deleted from the bucket once it is received and
    /// every <see cref="IReceivedShareHandler"/> succeeded (files first, the manifest last).
    /// </summary>
    /// <value><see langword="false"/>.</value>
    public bool DeleteAfterReceive { get; set; }

    /// <summary>
    /// Gets or sets how often a share still being received is logged (Information, event 77: the files and plaintext
    /// bytes done of the manifest's totals, and the file being written), so a long share shows it is moving. The first
    /// line comes this long after the share's manifest was read; <see cref="TimeSpan.Zero"/> logs every progress report
    /// of the receive (each completed file, and every quarter second while bytes move).
    /// </summary>
    /// <value>30 seconds; between 0 and 1 hour, or <see langword="null"/> for no progress lines.</value>
    public TimeSpan? ProgressInterval { get; set; } = TimeSpan.FromSeconds(30);
}
