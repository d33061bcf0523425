// The receiver's worker host: S3 event notifications for new manifests go to an SQS queue (set up with
// `s3s2 policy --queue-arn ...`), and this host receives each share, verifies it and hands it to the warehouse loader.
// Run as many copies as the load needs, on one machine or many; they share the queue and the output folder.
// Configuration comes from appsettings.json ("S3S2" section) and can be overridden by environment variables,
// e.g. S3S2__Worker__QueueUrl=... or S3S2__Worker__OutputDirectory=/mnt/inbox.
//
//   dotnet run --project samples/S3S2.WorkerSample
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using S3S2.Sharing.Queue;
using S3S2.WorkerSample;

// appsettings.json is read from next to the program, whatever the working folder.
var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { Args = args, ContentRootPath = AppContext.BaseDirectory });
var s3s2 = builder.Configuration.GetSection("S3S2");
builder.Services.AddSingleton<IReceivedShareHandler, WarehouseLoader>();
builder.Services.AddS3S2Sharing(s3s2)
    .AddReceiving(s3s2.GetSection("Receive"))
    .AddShareQueueWorker(s3s2.GetSection("Worker"));

// SIGTERM (systemd, a container runtime) stops the host: the worker takes no new message and releases unfinished ones.
await builder.Build().RunAsync();
