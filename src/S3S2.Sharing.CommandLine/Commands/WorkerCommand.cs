using System.CommandLine;
using System.Runtime.InteropServices;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace S3S2.Sharing.CommandLine.Commands;

/// <summary>
/// <c>s3s2 worker --queue-url URL [--sqs-endpoint URL] --bucket B [--endpoint URL] [--region R] [--prefix P] --out DIR
/// [--max-concurrent-shares N] [--delete-after-receive] [the receive key options]</c>: the share queue worker until
/// SIGINT/SIGTERM.
/// </summary>
internal static class WorkerCommand
{
    public static Command Create(S3S2CommandLineOptions options)
    {
        var source = new SourceOptions();
        var queueUrl = new Option<string>("--queue-url") { Description = "The SQS queue the bucket's event notifications for new manifests go to (s3s2 policy --queue-arn prints the configuration).", Required = true };
        var sqsEndpoint = new Option<string?>("--sqs-endpoint") { Description = "An SQS-compatible endpoint URL; default: Amazon SQS in the region." };
        var output = new Option<string>("--out") { Description = "The folder each share is written to, as DIR/<shareId>/<relative path> (shared by all workers, e.g. a mounted folder).", Required = true };
        var maxShares = new Option<int?>("--max-concurrent-shares") { Description = "How many shares this worker receives at once (default 4)." }.Within(1, 256);
        var visibility = new Option<int?>("--visibility-timeout") { Description = "Seconds a message stays hidden from other workers, renewed while its share is in progress (default 120)." }.Within(3, 43200);
        var retryDelay = new Option<int?>("--retry-delay") { Description = "Seconds before a failed share's message is delivered again (default 30); the queue's redrive policy dead-letters it after its limit." }.Within(0, 43200);
        var deleteAfter = new Option<bool>("--delete-after-receive") { Description = "Delete a share's objects once it is received (the manifest last)." };
        var command = new Command("worker", "Receive shares as the bucket announces them: S3 event notifications for new manifests go to an SQS queue, and any number of workers take one share at a time (SQS redelivers what a worker did not finish; a share that keeps failing ends in the queue's dead-letter queue). Runs until SIGINT/SIGTERM, then releases what it has not finished.\n\nExample:\n  s3s2 worker --queue-url https://sqs.eu-west-1.amazonaws.com/123456789012/s3s2-shares --bucket awesomeai-inbox --prefix partners --out inbox --pgp-secret-key awesomeai.sec.asc --passphrase-env S3S2_PASSPHRASE");
        foreach (var option in new Option[] { queueUrl, sqsEndpoint, source.Bucket, source.Endpoint, source.Region, source.Prefix, output, maxShares, visibility, retryDelay, deleteAfter, source.SecretKeys, source.PassphraseEnv, source.KmsEndpoint, source.KmsKeys, source.KmsAccounts })
        {
            command.Options.Add(option);
        }

        command.Action = new S3S2CommandAction(options, async (result, run, cancellationToken) =>
        {
            if (result.GetValue(source.Bucket) is null)
            {
                throw new UsageException("The worker needs --bucket: the bucket whose notifications the queue carries (messages naming another are refused).");
            }

            var settings = source.Read(result);
            var provider = ReceiverServices.Build(
                settings,
                needsStore: true,
                run,
                builder => builder.AddShareQueueWorker(o =>
                {
                    o.QueueUrl = result.GetRequiredValue(queueUrl);
                    o.ServiceUrl = result.GetValue(sqsEndpoint);
                    o.Region = settings.Region;
                    o.OutputDirectory = result.GetRequiredValue(output);
                    o.MaxConcurrentShares = result.GetValue(maxShares) ?? o.MaxConcurrentShares;
                    o.VisibilityTimeout = result.GetValue(visibility) is { } seconds ? TimeSpan.FromSeconds(seconds) : o.VisibilityTimeout;
                    o.RetryDelay = result.GetValue(retryDelay) is { } delay ? TimeSpan.FromSeconds(delay) : o.RetryDelay;
                    o.DeleteAfterReceive = result.GetValue(deleteAfter);

                    // SIGTERM gives the program about two seconds: shares in progress are released, not finished.
                    o.StopTimeout = TimeSpan.FromSeconds(1);
                }),
                LogLevel.Information,
                cancellationToken: cancellationToken);
            await using var disposeProvider = provider.ConfigureAwait(false);
            var worker = provider.GetServices<IHostedService>().Single();

            // The worker is a service: SIGTERM (container runtimes, systemd) and SIGINT both mean "stop gracefully".
            using var stop = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            void OnSignal(PosixSignalContext context)
            {
                context.Cancel = true;
                stop.Cancel();
            }

            using var onTerm = PosixSignalRegistration.Create(PosixSignal.SIGTERM, OnSignal);
            using var onInt = PosixSignalRegistration.Create(PosixSignal.SIGINT, OnSignal);
            await worker.StartAsync(CancellationToken.None).ConfigureAwait(false);

            // Until asked to stop, or until the worker ends on its own, which it does only on an error it cannot get
            // past (a queue that does not exist): that error is the command's.
            var running = ((BackgroundService)worker).ExecuteTask!;
            await Task.WhenAny(running, Task.Delay(Timeout.Infinite, stop.Token)).ConfigureAwait(false);
            await worker.StopAsync(CancellationToken.None).ConfigureAwait(false);
            if (running.IsFaulted)
            {
                await running.ConfigureAwait(false);
            }

            return ExitCodes.Ok;
        });
        return command;
    }
}
