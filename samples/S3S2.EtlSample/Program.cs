// A partner's nightly ETL job: after the export step, share the export folder with the receiver.
// Configuration comes from appsettings.json ("S3S2" section: the receiver's profile) and can be
// overridden by environment variables, e.g. S3S2__Profile=/etc/s3s2/profile.json or
// S3S2__LocalFolder=./dry-run (write to a local folder instead of S3).
//
//   dotnet run --project samples/S3S2.EtlSample -- exports/2026-11-27
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using S3S2.Sharing;

// appsettings.json is read from next to the program, whatever the working folder.
var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { Args = args, ContentRootPath = AppContext.BaseDirectory });
builder.Services.AddS3S2Sharing(builder.Configuration.GetSection("S3S2"));
using var host = builder.Build();

var exportFolder = args.FirstOrDefault() ?? "exports";
var client = host.Services.GetRequiredService<IShareClient>();

var receipt = await client.ShareAsync([exportFolder]);
Console.WriteLine($"Shared {receipt.Files.Count} file(s) from {exportFolder} as {receipt.ShareId}");
foreach (var file in receipt.Files)
{
    Console.WriteLine($"{file.Path}\t{file.Size}\t{file.Sha256}");
}
