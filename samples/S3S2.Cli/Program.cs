using S3S2.Cli.Commands;
using S3S2.Sharing.CommandLine;

// The s3s2 tool is the package's commands under a root of their own, plus the demo that needs the sample data.
var root = S3S2Commands.CreateRootCommand();
root.Subcommands.Add(DemoCommand.Create(root));
return await root.Parse(args).InvokeAsync();
