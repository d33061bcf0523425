using System.Collections.Concurrent;
using S3S2.Sharing.Queue;

namespace S3S2.Sharing.Tests;

/// <summary>Records every share the worker hands over, with the bytes of its files read at that moment.</summary>
internal sealed class RecordingShareHandler : IReceivedShareHandler
{
    public ConcurrentQueue<(VerifiedShare Share, Dictionary<string, byte[]> Files)> Calls { get; } = new();

    public async Task HandleAsync(VerifiedShare share, CancellationToken cancellationToken)
    {
        var files = new Dictionary<string, byte[]>(StringComparer.Ordinal);
        foreach (var file in share.Files)
        {
            files[file.Path] = await File.ReadAllBytesAsync(share.PathOf(file), cancellationToken);
        }

        Calls.Enqueue((share, files));
    }
}
