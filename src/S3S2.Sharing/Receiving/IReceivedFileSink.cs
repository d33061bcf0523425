namespace S3S2.Sharing.Receiving;

/// <summary>
/// Where the verified files of one share go (a folder, or the caller's callback; the queue worker adds others). The pipeline
/// asks it what is already there, writes each attempt into a fresh <see cref="IReceivedFileWriter"/> and commits it only
/// once every check passed.
/// </summary>
internal interface IReceivedFileSink
{
    /// <summary>Returns the status of a file already at the destination (received or conflicting) with the reason, or <see langword="null"/> when it is not there.</summary>
    Task<(ReceiveStatus Status, string? Error)?> FindExistingAsync(PlannedFile file, string description, CancellationToken cancellationToken);

    /// <summary>Starts one attempt at a file: nothing of it is visible until <see cref="IReceivedFileWriter.CommitAsync"/>; disposed uncommitted, it leaves nothing.</summary>
    IReceivedFileWriter Begin(PlannedFile file);

    /// <summary>Records that every file of the share is in place, so later runs skip it.</summary>
    Task MarkReceivedAsync(string manifestKey, CancellationToken cancellationToken);

    /// <summary>Removes what the share's failed files left (empty folders).</summary>
    void Finish();
}
