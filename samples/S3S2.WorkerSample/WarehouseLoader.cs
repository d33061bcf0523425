using Microsoft.Extensions.Logging;
using S3S2.Sharing.Queue;

namespace S3S2.WorkerSample;

/// <summary>
/// Stands in for loading a partner's CSV files into a warehouse: it counts the rows of each verified file. A real loader
/// must be idempotent by share id (for example a "loaded shares" table written in the same transaction), because SQS
/// delivers at least once.
/// </summary>
internal sealed partial class WarehouseLoader(ILogger<WarehouseLoader> logger) : IReceivedShareHandler
{
    public async Task HandleAsync(VerifiedShare share, CancellationToken cancellationToken)
    {
        foreach (var file in share.Files.Where(f => f.Path.EndsWith(".csv", StringComparison.OrdinalIgnoreCase)))
        {
            var rows = 0L;
            using var reader = new StreamReader(share.PathOf(file));
            while (await reader.ReadLineAsync(cancellationToken) is not null)
            {
                rows++;
            }

            LogLoaded(logger, share.ShareId, share.Sender, file.Path, rows);
        }
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Share {ShareId} from {Sender}: loaded {Path} ({Rows} rows)")]
    private static partial void LogLoaded(ILogger logger, string shareId, string sender, string path, long rows);
}
