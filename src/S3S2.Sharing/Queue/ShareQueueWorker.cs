using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;
using Amazon.SQS;
using Amazon.SQS.Model;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using S3S2.Sharing.Diagnostics;
using S3S2.Sharing.Manifest;
using S3S2.Sharing.Policy;
using S3S2.Sharing.Receiving;

namespace S3S2.Sharing.Queue;

/// <summary>
/// A stateless worker over SQS: long-polls the queue the bucket notifies for each new manifest, receives each share
/// through the receive client's own pipeline (verification, safe paths, all-or-nothing per file) into the output
/// folder, calls the application's <see cref="IReceivedShareHandler"/>s, and deletes the message only then. SQS is the
/// engine: a failure leaves the message for redelivery after <see cref="ShareQueueWorkerOptions.RetryDelay"/>, and the
/// queue's redrive policy moves it to the dead-letter queue after its limit; a worker that dies stops renewing the
/// visibility and the message returns to the queue. Idempotency comes from the share's own markers in the output
/// folder (<c>.received</c>, <c>.handled</c>), not from a lock or lease.
/// </summary>
internal sealed partial class ShareQueueWorker : BackgroundService
{
    internal const string HandledMarkerSuffix = ".handled";
    private static readonly List<string> MessageAttributes = ["SentTimestamp", "ApproximateReceiveCount"];

    private readonly string _name;
    private readonly IServiceProvider _services;
    private readonly ILogger _logger;
    private readonly ConcurrentDictionary<Task, byte> _inFlight = new();
    private ShareQueueWorkerOptions _options = null!;
    private ReceiveClient _client = null!;
    private List<IReceivedShareHandler> _handlers = [];
    private IAmazonSQS _sqs = null!;
    private bool _ownsSqs;
    private string _bucket = null!;
    private string _prefix = null!;
    private string _output = null!;

    public ShareQueueWorker(string name, IServiceProvider services)
    {
        _name = name;
        _services = services;
        _logger = (services.GetService<ILoggerFactory>() ?? NullLoggerFactory.Instance).CreateLogger<ShareQueueWorker>();
    }

    /// <summary>Resolves and checks everything before the host reports started, so a misconfiguration stops the start with its reason.</summary>
    public override Task StartAsync(CancellationToken cancellationToken)
    {
        _options = _services.GetRequiredService<IOptionsMonitor<ShareQueueWorkerOptions>>().Get(_name);
        var client = _services.GetRequiredService<IOptionsMonitor<ShareClientOptions>>().Get(_name);
        _bucket = client.Bucket ?? throw new InvalidOperationException(
            $"S3S2 share queue worker '{_name}': the client has no bucket, so no message could be checked against it. Set the bucket the notifications come from (AddS3S2Sharing(o => o.Bucket = ...), CLI: --bucket) and read it with AddS3Store(...).");
        _prefix = ObjectKeys.NormalizePrefix(client.Prefix);
        _client = _services.GetRequiredService<IReceiveClientFactory>().CreateClient(_name) as ReceiveClient ?? throw new InvalidOperationException(
            $"S3S2 share queue worker '{_name}': the registered IReceiveClientFactory is not the library's; the worker receives through the library's pipeline only. Remove the replacement.");
        _handlers = HandlersFor(_services, _name);
        _output = Path.GetFullPath(_options.OutputDirectory!);
        (_sqs, _ownsSqs) = SqsClientFactory.For(_services, _options);
        return base.StartAsync(cancellationToken);
    }

    /// <summary>
    /// The handlers a client's worker calls: those registered for every worker (unkeyed), then the client's own (keyed by
    /// its name, as <c>AddS3ShareDestination</c> registers): a named client's destination never receives another
    /// client's shares.
    /// </summary>
    internal static List<IReceivedShareHandler> HandlersFor(IServiceProvider services, string name) =>
        [.. services.GetServices<IReceivedShareHandler>(), .. services.GetKeyedServices<IReceivedShareHandler>(name)];

    public override void Dispose()
    {
        if (_ownsSqs)
        {
            _sqs.Dispose();
        }

        base.Dispose();
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        await WarnWithoutRedriveAsync(stoppingToken).ConfigureAwait(false);
        LogStarted(_logger, _name, _options.QueueUrl!, _bucket, _prefix, _options.MaxConcurrentShares, _output);
        using var slots = new SemaphoreSlim(_options.MaxConcurrentShares, _options.MaxConcurrentShares);
        using var abort = new CancellationTokenSource();
        var failures = 0;
        try
        {
            while (!stoppingToken.IsCancellationRequested)
            {
                await slots.WaitAsync(stoppingToken).ConfigureAwait(false);
                var free = 1;
                while (free < 10 && slots.Wait(0, CancellationToken.None))
                {
                    free++;
                }

                IReadOnlyList<Message> messages;
                try
                {
                    messages = await ReceiveAsync(free, stoppingToken).ConfigureAwait(false);
                    failures = 0;
                }
                catch (Exception ex) when (!stoppingToken.IsCancellationRequested)
                {
                    slots.Release(free);
                    var delay = TimeSpan.FromMilliseconds(Math.Min(500 * Math.Pow(2, failures++), 30_000));
                    LogReceiveFailed(_logger, _name, _options.QueueUrl!, ex.Message, delay.TotalSeconds);
                    await Task.Delay(delay, stoppingToken).ConfigureAwait(false);
                    continue;
                }
                catch (OperationCanceledException)
                {
                    slots.Release(free);
                    break;
                }

                if (free > messages.Count)
                {
                    slots.Release(free - messages.Count);
                }

                foreach (var message in messages)
                {
                    var work = RunAsync(message, slots, abort.Token);
                    _inFlight.TryAdd(work, 0);
                    _ = work.ContinueWith(t => _inFlight.TryRemove(t, out _), CancellationToken.None, TaskContinuationOptions.ExecuteSynchronously, TaskScheduler.Default);
                }
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
            // Stopping: no new message is taken.
        }

        // Shares in progress may finish within the stop timeout; the rest are cancelled and their messages released.
        var pending = Task.WhenAll(_inFlight.Keys);
        if (!pending.IsCompleted)
        {
            LogStopping(_logger, _name, _inFlight.Count, _options.StopTimeout.TotalSeconds);
            if (await Task.WhenAny(pending, Task.Delay(_options.StopTimeout, CancellationToken.None)).ConfigureAwait(false) != pending)
            {
                await abort.CancelAsync().ConfigureAwait(false);
            }

            await pending.ConfigureAwait(false);
        }

        LogStopped(_logger, _name);
    }

    private async Task<IReadOnlyList<Message>> ReceiveAsync(int count, CancellationToken cancellationToken)
    {
        var response = await _sqs.ReceiveMessageAsync(
            new ReceiveMessageRequest
            {
                QueueUrl = _options.QueueUrl,
                MaxNumberOfMessages = count,
                WaitTimeSeconds = (int)_options.WaitTime.TotalSeconds,
                VisibilityTimeout = (int)_options.VisibilityTimeout.TotalSeconds,
                MessageSystemAttributeNames = MessageAttributes,
            },
            cancellationToken).ConfigureAwait(false);

        // SDK v4 returns null collections when nothing matches.
        return response.Messages ?? [];
    }

    /// <summary>Works on one message, then deletes, delays or releases it; never throws.</summary>
    private async Task RunAsync(Message message, SemaphoreSlim slots, CancellationToken abort)
    {
        try
        {
            using var activity = S3S2Telemetry.ActivitySource.StartActivity(QueueTelemetry.MessageSpan, ActivityKind.Consumer);
            activity?.SetTag("messaging.system", "aws_sqs");
            activity?.SetTag("messaging.destination.name", _options.QueueUrl);
            activity?.SetTag("messaging.message.id", message.MessageId);
            var delivery = Attribute(message, "ApproximateReceiveCount") ?? "?";
            if (long.TryParse(Attribute(message, "SentTimestamp"), NumberStyles.None, CultureInfo.InvariantCulture, out var sent))
            {
                QueueTelemetry.QueueLag.Record(Math.Max(0, (DateTimeOffset.UtcNow - DateTimeOffset.FromUnixTimeMilliseconds(sent)).TotalSeconds));
            }

            MessageOutcome outcome;
            using (var renewing = CancellationTokenSource.CreateLinkedTokenSource(abort))
            {
                var renewal = RenewVisibilityAsync(message, renewing.Token);
                try
                {
                    outcome = await HandleMessageAsync(message, delivery, abort).ConfigureAwait(false);
                }
                catch (OperationCanceledException) when (abort.IsCancellationRequested)
                {
                    outcome = MessageOutcome.Released;
                }
                catch (Exception ex)
                {
                    // A bug or an unexpected store error: the message is retried like any failure, never lost.
                    LogMessageFailed(_logger, _name, message.MessageId, delivery, ex.Message);
                    QueueTelemetry.SharesFailed.Add(1, new KeyValuePair<string, object?>("s3s2.status", "error"));
                    outcome = MessageOutcome.Failed;
                }
                finally
                {
                    await renewing.CancelAsync().ConfigureAwait(false);
                    await renewal.ConfigureAwait(false);
                }
            }

            activity?.SetTag("s3s2.outcome", outcome.ToString());
            if (outcome != MessageOutcome.Done)
            {
                activity?.SetStatus(ActivityStatusCode.Error);
            }

            await SettleAsync(message, outcome).ConfigureAwait(false);
        }
        finally
        {
            slots.Release();
        }
    }

    private async Task<MessageOutcome> HandleMessageAsync(Message message, string delivery, CancellationToken cancellationToken)
    {
        IReadOnlyList<S3ObjectEvent>? events;
        try
        {
            events = S3EventNotification.Parse(message.Body ?? string.Empty);
        }
        catch (FormatException ex)
        {
            LogRefused(_logger, _name, message.MessageId, delivery, ex.Message);
            QueueTelemetry.SharesFailed.Add(1, new KeyValuePair<string, object?>("s3s2.status", "refused"));
            return MessageOutcome.Failed;
        }

        if (events is null)
        {
            LogTestEvent(_logger, _name, message.MessageId);
            return MessageOutcome.Done;
        }

        // Every event is checked before any is followed: a message naming a foreign bucket or key is refused whole.
        var shares = new List<(S3ObjectEvent Event, string ShareId)>();
        foreach (var objectEvent in events.Where(e => e.IsObjectCreated))
        {
            if (FindRefusal(objectEvent) is { } refusal)
            {
                LogRefused(_logger, _name, message.MessageId, delivery, refusal);
                QueueTelemetry.SharesFailed.Add(1, new KeyValuePair<string, object?>("s3s2.status", "refused"));
                return MessageOutcome.Failed;
            }

            if (_client.ShareIdOfManifest(objectEvent.Key) is { } shareId)
            {
                shares.Add((objectEvent, shareId));
            }
            else
            {
                LogNotAManifest(_logger, _name, message.MessageId, objectEvent.Key);
            }
        }

        foreach (var (objectEvent, shareId) in shares)
        {
            if (!await ReceiveShareAsync(objectEvent.Key, shareId, message.MessageId, delivery, cancellationToken).ConfigureAwait(false))
            {
                return MessageOutcome.Failed;
            }
        }

        return MessageOutcome.Done;
    }

    /// <summary>Why an event must not be followed: another bucket, or a key that is unsafe or outside the prefix.</summary>
    private string? FindRefusal(S3ObjectEvent objectEvent)
    {
        if (!string.Equals(objectEvent.Bucket, _bucket, StringComparison.Ordinal))
        {
            return $"it names bucket '{objectEvent.Bucket}', not '{_bucket}' this worker receives from; it is not followed. Send only '{_bucket}' notifications to this queue.";
        }

        if (ObjectKeys.FindProblem(objectEvent.Key) is { } problem)
        {
            return $"its object key '{objectEvent.Key}' {problem}; it is not followed.";
        }

        return _prefix.Length > 0 && !objectEvent.Key.StartsWith(_prefix + "/", StringComparison.Ordinal)
            ? $"its object key '{objectEvent.Key}' lies outside the prefix '{_prefix}/' this worker receives from; it is not followed. Filter the notification by that prefix."
            : null;
    }

    /// <summary>Receives and handles one share; returns whether it is done (now or before).</summary>
    private async Task<bool> ReceiveShareAsync(string manifestKey, string shareId, string messageId, string delivery, CancellationToken cancellationToken)
    {
        using var activity = S3S2Telemetry.ActivitySource.StartActivity(QueueTelemetry.ShareSpan);
        activity?.SetTag("s3s2.share.id", shareId);
        activity?.SetTag("s3s2.manifest.key", manifestKey);
        var doneMarker = FolderFileSink.MarkerOf(_output, shareId, _handlers.Count == 0 ? ReceiveClient.ReceivedMarkerSuffix : HandledMarkerSuffix);
        if (File.Exists(doneMarker))
        {
            LogAlreadyDone(_logger, _name, shareId, messageId);
            activity?.SetTag("s3s2.status", "already_handled");
            QueueTelemetry.SharesReceived.Add(1, new KeyValuePair<string, object?>("s3s2.status", "already_handled"));
            return true;
        }

        var watch = Stopwatch.StartNew();
        ShareManifest? manifest = null;
        ReceivedShare share;
        try
        {
            var progress = _options.ProgressInterval is { } interval ? new ProgressLog(_logger, _name, interval) : null;
            share = await _client.ReceiveManifestAsync(manifestKey, _output, m => manifest = m, progress, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception ex) when (!cancellationToken.IsCancellationRequested)
        {
            // A key error (no key for the share) or a refused key: nothing was written.
            share = new ReceivedShare(shareId, ReceiveErrors.StatusOf(ReceiveErrors.Classify(ex)), Path.Combine(_output, shareId), [], ex.Message);
        }

        activity?.SetTag("s3s2.status", share.Status.ToString());
        if (!share.Succeeded || manifest is null)
        {
            var reasons = string.Join("; ", new[] { share.Error }.Concat(share.Files.Select(f => f.Error)).Where(e => e is not null));
            LogShareFailed(_logger, _name, shareId, messageId, delivery, share.Status, reasons);
            QueueTelemetry.SharesFailed.Add(1, new KeyValuePair<string, object?>("s3s2.status", share.Status.ToString()));
            activity?.SetStatus(ActivityStatusCode.Error, share.Status.ToString());
            return false;
        }

        if (_handlers.Count > 0)
        {
            var verified = new VerifiedShare(shareId, manifest.Sender, manifest.CreatedUtc, _bucket, manifestKey, share.Directory, share.Files);
            foreach (var handler in _handlers)
            {
                try
                {
                    await handler.HandleAsync(verified, cancellationToken).ConfigureAwait(false);
                }
                catch (Exception ex) when (!cancellationToken.IsCancellationRequested)
                {
                    LogHandlerFailed(_logger, _name, shareId, messageId, delivery, handler.GetType().Name, ex.Message);
                    QueueTelemetry.SharesFailed.Add(1, new KeyValuePair<string, object?>("s3s2.status", "handler_failed"));
                    activity?.SetStatus(ActivityStatusCode.Error, "handler failed");
                    return false;
                }
            }

            await new FolderFileSink(_output, shareId).MarkAsync(HandledMarkerSuffix, manifestKey, cancellationToken).ConfigureAwait(false);
        }

        if (_options.DeleteAfterReceive)
        {
            try
            {
                await _client.DeleteShareObjectsAsync(manifest, manifestKey, cancellationToken).ConfigureAwait(false);
            }
            catch (Exception ex) when (ex is Amazon.Runtime.AmazonServiceException or IOException or UnauthorizedAccessException)
            {
                // The share is received and handled: a failed clean-up is worth a warning, not a redelivery.
                LogDeleteFailed(_logger, _name, shareId, ex.Message);
            }
        }

        var bytes = share.Files.Where(f => f.Status == ReceiveStatus.Received).Sum(f => f.Size);
        var status = share.Status == ReceiveStatus.Received ? "received" : "already_received";
        QueueTelemetry.SharesReceived.Add(1, new KeyValuePair<string, object?>("s3s2.status", status));
        QueueTelemetry.BytesReceived.Add(bytes);
        QueueTelemetry.ShareDuration.Record(watch.Elapsed.TotalSeconds, new KeyValuePair<string, object?>("s3s2.status", status));
        LogShareDone(_logger, _name, shareId, messageId, delivery, share.Files.Count, bytes, share.Status);
        return true;
    }

    /// <summary>Renews the message's visibility every third of the timeout while its share is in progress.</summary>
    private async Task RenewVisibilityAsync(Message message, CancellationToken cancellationToken)
    {
        using var timer = new PeriodicTimer(_options.VisibilityTimeout / 3);
        try
        {
            while (await timer.WaitForNextTickAsync(cancellationToken).ConfigureAwait(false))
            {
                try
                {
                    await ChangeVisibilityAsync(message, _options.VisibilityTimeout, cancellationToken).ConfigureAwait(false);
                }
                catch (Exception ex) when (!cancellationToken.IsCancellationRequested)
                {
                    LogRenewFailed(_logger, _name, message.MessageId, ex.Message);
                }
            }
        }
        catch (OperationCanceledException)
        {
            // The share finished or the worker is stopping.
        }
    }

    /// <summary>Deletes a done message; makes a failed one visible again after the retry delay, a released one at once.</summary>
    private async Task SettleAsync(Message message, MessageOutcome outcome)
    {
        // Settled even while stopping: a message left as it is would wait out its whole visibility timeout.
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(10));
        try
        {
            if (outcome == MessageOutcome.Done)
            {
                await _sqs.DeleteMessageAsync(new DeleteMessageRequest { QueueUrl = _options.QueueUrl, ReceiptHandle = message.ReceiptHandle }, timeout.Token).ConfigureAwait(false);
            }
            else
            {
                await ChangeVisibilityAsync(message, outcome == MessageOutcome.Released ? TimeSpan.Zero : _options.RetryDelay, timeout.Token).ConfigureAwait(false);
            }
        }
        catch (Exception ex) when (ex is AmazonSQSException or Amazon.Runtime.AmazonClientException or HttpRequestException or OperationCanceledException)
        {
            // SQS's own timeout takes over: the message returns when its visibility runs out (a done share is then found done).
            LogSettleFailed(_logger, _name, message.MessageId, outcome, ex.Message);
        }
    }

    private Task<ChangeMessageVisibilityResponse> ChangeVisibilityAsync(Message message, TimeSpan timeout, CancellationToken cancellationToken) =>
        _sqs.ChangeMessageVisibilityAsync(
            new ChangeMessageVisibilityRequest { QueueUrl = _options.QueueUrl, ReceiptHandle = message.ReceiptHandle, VisibilityTimeout = (int)timeout.TotalSeconds },
            cancellationToken);

    /// <summary>Without a redrive policy a poison message is retried for ever (never blocking others, but never set aside either).</summary>
    private async Task WarnWithoutRedriveAsync(CancellationToken cancellationToken)
    {
        try
        {
            var attributes = await _sqs.GetQueueAttributesAsync(new GetQueueAttributesRequest { QueueUrl = _options.QueueUrl, AttributeNames = ["RedrivePolicy"] }, cancellationToken).ConfigureAwait(false);
            if (attributes.Attributes?.ContainsKey("RedrivePolicy") != true)
            {
                LogNoRedrive(_logger, _name, _options.QueueUrl!);
            }
        }
        catch (QueueDoesNotExistException ex)
        {
            // Not a passing failure: every receive would fail the same way, forever, a warning at a time. The worker
            // ends (a host stops by default; the CLI exits 2) naming the setting to fix.
            throw new ArgumentException($"S3S2 share queue worker '{_name}': the SQS queue {_options.QueueUrl} does not exist. Check QueueUrl (the CLI's --queue-url) and the region or SQS endpoint it is read from.", ex);
        }
        catch (Exception ex) when (!cancellationToken.IsCancellationRequested)
        {
            LogNoRedriveCheck(_logger, _name, _options.QueueUrl!, ex.Message);
        }
    }

    private static string? Attribute(Message message, string name) =>
        message.Attributes is { } attributes && attributes.TryGetValue(name, out var value) ? value : null;

    [LoggerMessage(EventId = 60, Level = LogLevel.Information, Message = "S3S2 share queue worker '{WorkerName}': receiving from {QueueUrl} the shares of bucket '{Bucket}' under prefix '{Prefix}', {MaxConcurrentShares} at a time, into '{Output}'")]
    private static partial void LogStarted(ILogger logger, string workerName, string queueUrl, string bucket, string prefix, int maxConcurrentShares, string output);

    [LoggerMessage(EventId = 61, Level = LogLevel.Information, Message = "S3S2 share queue worker '{WorkerName}': share {ShareId} (message {MessageId}, delivery {Delivery}): {FileCount} file(s), {Bytes} bytes received, {Status}")]
    private static partial void LogShareDone(ILogger logger, string workerName, string shareId, string messageId, string delivery, int fileCount, long bytes, ReceiveStatus status);

    [LoggerMessage(EventId = 62, Level = LogLevel.Error, Message = "S3S2 share queue worker '{WorkerName}': share {ShareId} (message {MessageId}, delivery {Delivery}) {Status}: {Reason}. Nothing of it was kept; the message is left for redelivery and goes to the dead-letter queue after the queue's redrive limit")]
    private static partial void LogShareFailed(ILogger logger, string workerName, string shareId, string messageId, string delivery, ReceiveStatus status, string reason);

    [LoggerMessage(EventId = 63, Level = LogLevel.Error, Message = "S3S2 share queue worker '{WorkerName}': message {MessageId} (delivery {Delivery}) refused: {Reason}. It is left for the dead-letter queue")]
    private static partial void LogRefused(ILogger logger, string workerName, string messageId, string delivery, string reason);

    [LoggerMessage(EventId = 64, Level = LogLevel.Error, Message = "S3S2 share queue worker '{WorkerName}': share {ShareId} (message {MessageId}, delivery {Delivery}): handler {Handler} failed: {Reason}. The message is left for redelivery")]
    private static partial void LogHandlerFailed(ILogger logger, string workerName, string shareId, string messageId, string delivery, string handler, string reason);

    [LoggerMessage(EventId = 65, Level = LogLevel.Information, Message = "S3S2 share queue worker '{WorkerName}': share {ShareId} (message {MessageId}) was already received and handled; the duplicate message is deleted")]
    private static partial void LogAlreadyDone(ILogger logger, string workerName, string shareId, string messageId);

    [LoggerMessage(EventId = 66, Level = LogLevel.Debug, Message = "S3S2 share queue worker '{WorkerName}': message {MessageId} is S3's test event; deleted")]
    private static partial void LogTestEvent(ILogger logger, string workerName, string messageId);

    [LoggerMessage(EventId = 67, Level = LogLevel.Warning, Message = "S3S2 share queue worker '{WorkerName}': message {MessageId} names '{Key}', which is not a share's manifest; ignored. Filter the notification by the suffixes .manifest.json.gpg and .manifest.json.encrypted (s3s2 policy --queue-arn prints it)")]
    private static partial void LogNotAManifest(ILogger logger, string workerName, string messageId, string key);

    [LoggerMessage(EventId = 68, Level = LogLevel.Error, Message = "S3S2 share queue worker '{WorkerName}': message {MessageId} (delivery {Delivery}) failed: {Reason}. The message is left for redelivery")]
    private static partial void LogMessageFailed(ILogger logger, string workerName, string messageId, string delivery, string reason);

    [LoggerMessage(EventId = 69, Level = LogLevel.Warning, Message = "S3S2 share queue worker '{WorkerName}': receiving from {QueueUrl} failed ({Reason}); trying again in {DelaySeconds} s")]
    private static partial void LogReceiveFailed(ILogger logger, string workerName, string queueUrl, string reason, double delaySeconds);

    [LoggerMessage(EventId = 70, Level = LogLevel.Warning, Message = "S3S2 share queue worker '{WorkerName}': renewing the visibility of message {MessageId} failed: {Reason}")]
    private static partial void LogRenewFailed(ILogger logger, string workerName, string messageId, string reason);

    [LoggerMessage(EventId = 71, Level = LogLevel.Warning, Message = "S3S2 share queue worker '{WorkerName}': settling message {MessageId} as {Outcome} failed ({Reason}); it returns when its visibility timeout ends")]
    private static partial void LogSettleFailed(ILogger logger, string workerName, string messageId, MessageOutcome outcome, string reason);

    [LoggerMessage(EventId = 72, Level = LogLevel.Warning, Message = "S3S2 share queue worker '{WorkerName}': share {ShareId} was received and handled, but deleting its objects failed: {Reason}")]
    private static partial void LogDeleteFailed(ILogger logger, string workerName, string shareId, string reason);

    [LoggerMessage(EventId = 73, Level = LogLevel.Information, Message = "S3S2 share queue worker '{WorkerName}': stopping; {Count} share(s) in progress get {StopSeconds} s to finish, then are released for another worker")]
    private static partial void LogStopping(ILogger logger, string workerName, int count, double stopSeconds);

    [LoggerMessage(EventId = 74, Level = LogLevel.Information, Message = "S3S2 share queue worker '{WorkerName}': stopped")]
    private static partial void LogStopped(ILogger logger, string workerName);

    [LoggerMessage(EventId = 75, Level = LogLevel.Warning, Message = "S3S2 share queue worker '{WorkerName}': queue {QueueUrl} has no redrive policy, so a share that keeps failing is retried for ever. Give it a dead-letter queue (RedrivePolicy with maxReceiveCount)")]
    private static partial void LogNoRedrive(ILogger logger, string workerName, string queueUrl);

    [LoggerMessage(EventId = 77, Level = LogLevel.Information, Message = "S3S2 share queue worker '{WorkerName}': share {ShareId} in progress: {FilesCompleted} of {FileCount} file(s), {BytesReceived} of {TotalBytes} bytes; writing '{Path}'")]
    private static partial void LogProgress(ILogger logger, string workerName, string shareId, int filesCompleted, int fileCount, long bytesReceived, long totalBytes, string path);

    [LoggerMessage(EventId = 76, Level = LogLevel.Debug, Message = "S3S2 share queue worker '{WorkerName}': could not read the redrive policy of {QueueUrl}: {Reason}")]
    private static partial void LogNoRedriveCheck(ILogger logger, string workerName, string queueUrl, string reason);

    /// <summary>
    /// Logs a share's progress at most once per interval, the first time one interval after the manifest was read (the
    /// receive reports only from then on); reports never overlap, so no lock is needed.
    /// </summary>
    private sealed class ProgressLog(ILogger logger, string workerName, TimeSpan interval) : IProgress<ReceiveProgress>
    {
        private readonly Stopwatch _sinceLast = new();

        public void Report(ReceiveProgress value)
        {
            if (!_sinceLast.IsRunning)
            {
                _sinceLast.Start();
                if (interval > TimeSpan.Zero)
                {
                    return;
                }
            }
            else if (_sinceLast.Elapsed < interval)
            {
                return;
            }

            _sinceLast.Restart();
            LogProgress(logger, workerName, value.ShareId, value.FilesCompleted, value.FileCount, value.TotalBytesReceived, value.TotalBytes, value.Path);
        }
    }
}
