namespace S3S2.Sharing.Queue;

/// <summary>Marks that a named client has its queue worker, so adding it twice runs one worker, not two.</summary>
/// <param name="Name">The client name.</param>
internal sealed record ShareQueueWorkerRegistration(string Name);
