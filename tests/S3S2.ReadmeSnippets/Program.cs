using S3S2.ReadmeSnippets.Snippets;

// Runs one README snippet by name, in the current directory; the test gives it the files and the endpoints it needs.
switch (args)
{
    case ["csharp-api"]:
        await CSharpApi.RunAsync();
        return 0;
    case ["profile"]:
        await Profile.RunAsync();
        return 0;
    case ["configuration"]:
        await Configuration.RunAsync([]);
        return 0;
    case ["kms-envelope"]:
        await KmsEnvelope.RunAsync();
        return 0;
    case ["etl-session"]:
        await EtlSession.RunAsync();
        return 0;
    case ["bucket-audit"]:
        await BucketAudit.RunAsync();
        return 0;
    case ["embedded-commands", .. var rest]:
        return await EmbeddedCommands.RunAsync(rest);
    default:
        await Console.Error.WriteLineAsync("usage: S3S2.ReadmeSnippets csharp-api|profile|configuration|kms-envelope|etl-session|bucket-audit|embedded-commands ARGS");
        return 2;
}
