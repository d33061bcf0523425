using S3S2.Sharing.Encryption.OpenPgp;
using S3S2.Sharing.Manifest;
using S3S2.Sharing.Tests.Infrastructure;
using S3S2.Sharing.Tests.Receiving;

namespace S3S2.Sharing.Tests.Cli;

/// <summary>
/// The bad-input table of <c>s3s2 receive</c> (the README's "Receiving" table): for each input, the real program's exit
/// code, the message naming the problem, and nothing partial left in the output folder.
/// </summary>
[TestFixture]
[Category("Integration")]
public sealed class ReceiveBadInputTableTests
{
    private static readonly byte[] Content = TestData.Csv(3000);

    /// <summary>One row: what is done to a fresh one-file share (orders.csv), extra options, exit code, message, what may remain.</summary>
    internal sealed record Row(string Input, Func<ReceiveTestBed, ShareReceipt, Task> Arrange, string[] Options, int ExitCode, string Message, string[] Remaining);

    public static IEnumerable<string> Inputs => Rows.Select(r => r.Input);

    internal static IReadOnlyList<Row> Rows { get; } =
    [
        new("object body changed", async (bed, r) => await bed.WriteObjectAsync(r.Files[0].Key, Flip(await bed.ReadObjectAsync(r.Files[0].Key))), [], 4, "integrity failure", []),
        new("object truncated", async (bed, r) => await bed.WriteObjectAsync(r.Files[0].Key, (await bed.ReadObjectAsync(r.Files[0].Key))[..100]), [], 4, "integrity failure", []),
        new("object listed but missing", (bed, r) => { File.Delete(bed.StoreFolder!.Combine(r.Files[0].Key.Split('/'))); return Task.CompletedTask; }, [], 4, "The manifest lists it", []),
        new("manifest not JSON", (bed, r) => bed.PlantManifestJsonAsync(r.ShareId, "{not json"u8.ToArray()), [], 4, "is not a valid manifest", []),
        new("manifest path escapes", (bed, r) => Plant(bed, r, ("../escape.csv", r.Files[0].Key)), [], 4, "'..'", []),
        new("one object listed twice", (bed, r) => Plant(bed, r, ("a.csv", r.Files[0].Key), ("b.csv", r.Files[0].Key)), [], 4, "is listed for another file too", []),
        new("file over --max-file-bytes", (_, _) => Task.CompletedTask, ["--max-file-bytes", "1000"], 3, "MaxFileBytes 1000", []),
        new("share over --max-share-bytes", (_, _) => Task.CompletedTask, ["--max-share-bytes", "1000"], 3, "MaxShareBytes 1000", []),
        new("more files than --max-files", (bed, r) => Plant(bed, r, ("a.csv", r.Files[0].Key), ("b.csv", r.Files[0].Key)), ["--max-files", "1"], 3, "MaxFilesPerShare 1", []),
        new("path deeper than --max-path-depth", (bed, r) => Plant(bed, r, ("a/b/c.csv", r.Files[0].Key)), ["--max-path-depth", "2"], 3, "more than MaxPathDepth 2", []),
        new("expands more than --max-expansion-ratio", (_, _) => Task.CompletedTask, ["--max-expansion-ratio", "1"], 3, "decompresses to more than 1 times", []),
        new("different file at the target", (bed, r) => { bed.Output.WriteFile($"{r.ShareId}/orders.csv", "mine"u8.ToArray()); return Task.CompletedTask; }, [], 1, "never overwritten", ["{share}", "{share}/orders.csv"]),
        new("share for another key only", async (bed, r) => await bed.WriteObjectAsync(r.ManifestKey, await EncryptToSecondReceiverAsync()), [], 2, "none of which is among the configured secret keys", []),
        new("invalid limit", (_, _) => Task.CompletedTask, ["--max-files", "0"], 2, "--max-files '0' is not a whole number of at least 1.", []),
    ];

    [TestCaseSource(nameof(Inputs))]
    public async Task Receive_BadInput_ExitCodeMessageAndNothingPartial(string input)
    {
        var row = Rows.Single(r => r.Input == input);
        using var bed = ReceiveTestBed.OnLocalFolder();
        using var keys = new TempDirectory();
        var receipt = await bed.Sharer(compression: OpenPgpCompression.Zlib).ShareStreamAsync(new MemoryStream(Content), "orders.csv");
        await row.Arrange(bed, receipt);
        var key = keys.WriteFile("receiver.sec.asc", System.Text.Encoding.ASCII.GetBytes(TestKeys.Receiver.SecretKeyArmored));

        var result = await S3S2Program.RunAsync(["receive", "--from", bed.StoreFolder!.Path, "--prefix", ReceiveTestBed.Prefix, "--out", bed.Output.Path, "--pgp-secret-key", key, .. row.Options]);

        Assert.That(result.ExitCode, Is.EqualTo(row.ExitCode), result.StandardOutput + result.StandardError);
        Assert.That(result.StandardError, Does.Contain(row.Message));
        Assert.That(bed.OutputFiles(), Is.EqualTo(row.Remaining.Select(p => p.Replace("{share}", receipt.ShareId, StringComparison.Ordinal)).ToList()));
    }

    private static Task Plant(ReceiveTestBed bed, ShareReceipt receipt, params (string Path, string Key)[] files) =>
        bed.PlantManifestAsync(receipt.ShareId, files.Select(f => new ManifestFile(f.Path, f.Key, receipt.Files[0].Size, receipt.Files[0].Sha256, "zlib")).ToList());

    private static byte[] Flip(byte[] message)
    {
        message[message.Length / 2] ^= 0x10;
        return message;
    }

    private static async Task<byte[]> EncryptToSecondReceiverAsync()
    {
        var encryptor = new OpenPgpEncryptor(TestKeys.Recipients(TestKeys.SecondReceiver), OpenPgpCompression.None);
        using var output = new MemoryStream();
        await encryptor.EncryptAsync(new MemoryStream("{}"u8.ToArray()), output, new S3S2.Sharing.Encryption.EncryptionContext("s", "f"));
        return output.ToArray();
    }
}
