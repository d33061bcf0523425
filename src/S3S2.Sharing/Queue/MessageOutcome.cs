namespace S3S2.Sharing.Queue;

/// <summary>What the worker does with a message once it has been worked on.</summary>
internal enum MessageOutcome
{
    /// <summary>Every share it names is received and handled (or it names none): deleted.</summary>
    Done,

    /// <summary>A share failed or the message was refused: left invisible for the retry delay, then redelivered (and after the redrive limit dead-lettered).</summary>
    Failed,

    /// <summary>The worker is stopping before the share finished: released (visibility 0) for another worker at once.</summary>
    Released,
}
