using S3S2.Sharing.Encryption.OpenPgp;
using S3S2.Sharing.Manifest;
using S3S2.Sharing.Receiving;
using S3S2.Sharing.Tests.Infrastructure;

namespace S3S2.Sharing.Tests.Receiving;

/// <summary>Tampered objects and hand-written manifests: each is refused and nothing is left in the output folder.</summary>
[TestFixture]
[Category("Integration")]
public sealed class ReceiveClientAttackTests
{
    private static readonly byte[] Content = TestData.Csv(3000);

    public enum Tamper
    {
        FlipHeaderByte,
        FlipBodyByte,
        FlipMdcByte,
        Truncate,
        DropLastByte,
    }

    [Test]
    public async Task ReceiveShareAsync_TamperedObject_IntegrityFailedAndNothingWritten([Values] Tamper tamper, [Values] bool onS3)
    {
        using var bed = onS3 ? await ReceiveTestBed.OnS3Async() : ReceiveTestBed.OnLocalFolder();
        var receipt = await bed.Sharer(compression: OpenPgpCompression.None).ShareStreamAsync(new MemoryStream(Content), "sub/orders.csv");
        var key = receipt.Files[0].Key;
        var bytes = await bed.ReadObjectAsync(key);
        bytes = tamper switch
        {
            Tamper.FlipHeaderByte => Flip(bytes, 40),
            Tamper.FlipBodyByte => Flip(bytes, bytes.Length / 2),
            Tamper.FlipMdcByte => Flip(bytes, bytes.Length - 1),
            Tamper.Truncate => bytes[..(bytes.Length / 2)],
            _ => bytes[..^1],
        };
        await bed.WriteObjectAsync(key, bytes);

        var result = await bed.Receiver().ReceiveShareAsync(receipt.ShareId, bed.Output.Path);

        Assert.That(result.Status, Is.EqualTo(ReceiveStatus.IntegrityFailed));
        Assert.That(result.Files.Single().Error, Does.Contain("sub/orders.csv"));
        Assert.That(bed.OutputFiles(), Is.Empty);
    }

    [Test]
    public async Task ReceiveShareAsync_EveryByteOfTheManifestFlipped_RefusedAndNothingWritten()
    {
        using var bed = ReceiveTestBed.OnLocalFolder();
        var receipt = await bed.Sharer().ShareStreamAsync(new MemoryStream(TestData.Csv(20)), "orders.csv");
        var manifest = await bed.ReadObjectAsync(receipt.ManifestKey);
        var receiver = bed.Receiver();
        var accepted = new List<int>();

        for (var position = 0; position < manifest.Length; position++)
        {
            await bed.WriteObjectAsync(receipt.ManifestKey, Flip(manifest, position));
            try
            {
                var result = await receiver.ReceiveShareAsync(receipt.ShareId, bed.Output.Path);
                if (result.Status is not (ReceiveStatus.IntegrityFailed or ReceiveStatus.Failed))
                {
                    accepted.Add(position);
                }
            }
            catch (S3S2.Sharing.Encryption.EncryptionKeyException)
            {
                // A flipped key id: the manifest is now for a key the receiver does not hold (CLI exit 2).
            }
        }

        Assert.That(accepted, Is.Empty, $"flipped bytes of a {manifest.Length}-byte manifest accepted");
        Assert.That(bed.OutputFiles(), Is.Empty);
    }

    [Test]
    public async Task ReceiveShareAsync_CompressedObjectWithFlippedBodyByte_IntegrityFailed()
    {
        using var bed = ReceiveTestBed.OnLocalFolder();
        var receipt = await bed.Sharer().ShareStreamAsync(new MemoryStream(TestData.Random(200_000, seed: 3)), "blob.bin");
        var key = receipt.Files[0].Key;
        await bed.WriteObjectAsync(key, Flip(await bed.ReadObjectAsync(key), 100_000));

        var result = await bed.Receiver().ReceiveShareAsync(receipt.ShareId, bed.Output.Path);

        Assert.That(result.Status, Is.EqualTo(ReceiveStatus.IntegrityFailed));
        Assert.That(bed.OutputFiles(), Is.Empty);
    }

    [Test]
    public async Task ReceiveShareAsync_ObjectReplacedByAnotherSharesObject_FailsOnHash([Values] bool onS3)
    {
        using var bed = onS3 ? await ReceiveTestBed.OnS3Async() : ReceiveTestBed.OnLocalFolder();
        var sharer = bed.Sharer();
        var victim = await sharer.ShareStreamAsync(new MemoryStream(Content), "orders.csv");
        var other = await sharer.ShareStreamAsync(new MemoryStream(TestData.Csv(2999)), "orders.csv");
        await bed.WriteObjectAsync(victim.Files[0].Key, await bed.ReadObjectAsync(other.Files[0].Key));

        var result = await bed.Receiver().ReceiveShareAsync(victim.ShareId, bed.Output.Path);

        Assert.That(result.Status, Is.EqualTo(ReceiveStatus.IntegrityFailed));
        Assert.That(result.Files.Single().Error, Does.Contain("SHA-256").Or.Contain("bytes"));
        Assert.That(bed.OutputFiles(), Is.Empty);
    }

    [Test]
    public async Task ReceiveShareAsync_ManifestHashDisagrees_IntegrityFailed()
    {
        using var bed = ReceiveTestBed.OnLocalFolder();
        var receipt = await bed.Sharer().ShareStreamAsync(new MemoryStream(Content), "orders.csv");
        var file = receipt.Files[0];
        await bed.PlantManifestAsync(receipt.ShareId, [new ManifestFile(file.Path, file.Key, file.Size, TestData.Sha256Hex("other"u8), "zlib")]);

        var result = await bed.Receiver().ReceiveShareAsync(receipt.ShareId, bed.Output.Path);

        Assert.That(result.Status, Is.EqualTo(ReceiveStatus.IntegrityFailed));
        Assert.That(result.Files.Single().Error, Does.Contain("differs from the manifest"));
        Assert.That(bed.OutputFiles(), Is.Empty);
    }

    [TestCase(-1L)]
    [TestCase(+1L)]
    public async Task ReceiveShareAsync_ManifestSizeDisagrees_IntegrityFailed(long delta)
    {
        using var bed = ReceiveTestBed.OnLocalFolder();
        var receipt = await bed.Sharer().ShareStreamAsync(new MemoryStream(Content), "orders.csv");
        var file = receipt.Files[0];
        await bed.PlantManifestAsync(receipt.ShareId, [new ManifestFile(file.Path, file.Key, file.Size + delta, file.Sha256, "zlib")]);

        var result = await bed.Receiver().ReceiveShareAsync(receipt.ShareId, bed.Output.Path);

        Assert.That(result.Status, Is.EqualTo(ReceiveStatus.IntegrityFailed));
        Assert.That(bed.OutputFiles(), Is.Empty);
    }

    [TestCase("/etc/passwd", "absolute")]
    [TestCase("../escape.csv", "'..'")]
    [TestCase("a/../../escape.csv", "'..'")]
    [TestCase("a/./b.csv", "'.'")]
    [TestCase("a//b.csv", "empty")]
    [TestCase("C:/Windows/x.csv", "drive letter")]
    [TestCase("c:x.csv", "drive letter")]
    [TestCase("a\\..\\b.csv", "'\\'")]
    [TestCase("nul\0byte.csv", "control character")]
    [TestCase("new\nline.csv", "control character")]
    [TestCase("CON", "device name")]
    [TestCase("sub/con.txt", "device name")]
    [TestCase("LPT9.tar.gz", "device name")]
    [TestCase("com1", "device name")]
    [TestCase("AUX .csv", "device name")]
    [TestCase("stream.csv:hidden", "contains one of :")]
    [TestCase("trailing.", "ending in '.'")]
    [TestCase("", "is empty")]
    public async Task ReceiveShareAsync_ManifestWithUnsafePath_RefusedAndNothingWritten(string path, string expected)
    {
        using var bed = ReceiveTestBed.OnLocalFolder();
        var receipt = await bed.Sharer().ShareStreamAsync(new MemoryStream(Content), "orders.csv");
        var file = receipt.Files[0];
        await bed.PlantManifestAsync(receipt.ShareId, [new ManifestFile(file.Path, file.Key, file.Size, file.Sha256, "zlib"), new ManifestFile(path, file.Key, file.Size, file.Sha256, "zlib")]);

        var result = await bed.Receiver().ReceiveShareAsync(receipt.ShareId, bed.Output.Path);

        Assert.That(result.Status, Is.EqualTo(ReceiveStatus.IntegrityFailed));
        Assert.That(result.Error, Does.Contain(expected));
        Assert.That(result.Files, Is.Empty);
        Assert.That(bed.OutputFiles(), Is.Empty, "the valid file of the share is not written either");
    }

    [TestCase("Data.csv", "data.csv")]
    [TestCase("dir/a.csv", "DIR/A.CSV")]
    [TestCase("a", "a/b.csv")]
    [TestCase("caf\u00e9.csv", "cafe\u0301.csv")]
    public async Task ReceiveShareAsync_RelativePathsCollideAfterFolding_Refused(string first, string second)
    {
        using var bed = ReceiveTestBed.OnLocalFolder();
        var receipt = await bed.Sharer().ShareStreamAsync(new MemoryStream(Content), "orders.csv");
        var file = receipt.Files[0];
        await bed.PlantManifestAsync(receipt.ShareId, [new ManifestFile(first, file.Key, file.Size, file.Sha256, "zlib"), new ManifestFile(second, file.Key, file.Size, file.Sha256, "zlib")]);

        var result = await bed.Receiver().ReceiveShareAsync(receipt.ShareId, bed.Output.Path);

        Assert.That(result.Status, Is.EqualTo(ReceiveStatus.IntegrityFailed));
        Assert.That(bed.OutputFiles(), Is.Empty);
    }

    [Test]
    public async Task ReceiveShareAsync_ManifestObjectKeyOutsideShare_Refused()
    {
        using var bed = ReceiveTestBed.OnLocalFolder();
        var other = await bed.Sharer().ShareStreamAsync(new MemoryStream(Content), "orders.csv");
        var receipt = await bed.Sharer().ShareStreamAsync(new MemoryStream(Content), "orders.csv");
        var file = receipt.Files[0];
        await bed.PlantManifestAsync(receipt.ShareId, [new ManifestFile(file.Path, other.Files[0].Key, file.Size, file.Sha256, "zlib")]);

        var result = await bed.Receiver().ReceiveShareAsync(receipt.ShareId, bed.Output.Path);

        Assert.That(result.Status, Is.EqualTo(ReceiveStatus.IntegrityFailed));
        Assert.That(result.Error, Does.Contain("does not lie under the share's prefix"));
        Assert.That(bed.OutputFiles(), Is.Empty);
    }

    [Test]
    public async Task ReceiveShareAsync_ManifestOfAnotherShare_Refused()
    {
        using var bed = ReceiveTestBed.OnLocalFolder();
        var other = await bed.Sharer().ShareStreamAsync(new MemoryStream(Content), "orders.csv");
        var receipt = await bed.Sharer().ShareStreamAsync(new MemoryStream(Content), "orders.csv");
        await bed.WriteObjectAsync(receipt.ManifestKey, await bed.ReadObjectAsync(other.ManifestKey));

        var result = await bed.Receiver().ReceiveShareAsync(receipt.ShareId, bed.Output.Path);

        Assert.That(result.Status, Is.EqualTo(ReceiveStatus.IntegrityFailed));
        Assert.That(result.Error, Does.Contain($"names share '{other.ShareId}'"));
        Assert.That(bed.OutputFiles(), Is.Empty);
    }

    /// <summary>What a manifest names goes into errors, logs and the '.skipped' marker escaped: it cannot forge a log line.</summary>
    [Test]
    public async Task ReceiveShareAsync_ManifestNamesAShareWithALineBreak_RefusedWithTheNameEscaped()
    {
        using var bed = ReceiveTestBed.OnLocalFolder();
        var receipt = await bed.Sharer().ShareStreamAsync(new MemoryStream(Content), "orders.csv");
        await bed.PlantManifestAsync(receipt.ShareId, [], manifestShareId: "x\nINFO forged line");

        var result = await bed.Receiver().ReceiveShareAsync(receipt.ShareId, bed.Output.Path);

        Assert.That(result.Status, Is.EqualTo(ReceiveStatus.IntegrityFailed));
        Assert.That(result.Error, Does.Contain("names share 'x\\u000aINFO forged line'").And.Not.Contain("\n"));
    }

    [Test]
    public async Task ReceiveShareAsync_ManifestNotJson_IntegrityFailed()
    {
        using var bed = ReceiveTestBed.OnLocalFolder();
        var receipt = await bed.Sharer().ShareStreamAsync(new MemoryStream(Content), "orders.csv");
        await bed.PlantManifestJsonAsync(receipt.ShareId, "{ not json"u8.ToArray());

        var result = await bed.Receiver().ReceiveShareAsync(receipt.ShareId, bed.Output.Path);

        Assert.That(result.Status, Is.EqualTo(ReceiveStatus.IntegrityFailed));
        Assert.That(result.Error, Does.Contain("not a valid manifest"));
    }

    [Test]
    public async Task ReceiveShareAsync_ObjectWithoutIntegrityProtection_Refused()
    {
        using var bed = ReceiveTestBed.OnLocalFolder();
        var receipt = await bed.Sharer().ShareStreamAsync(new MemoryStream(Content), "orders.csv");
        await bed.WriteObjectAsync(receipt.Files[0].Key, ReceiveTestBed.EncryptWithoutIntegrity(Content));

        var result = await bed.Receiver().ReceiveShareAsync(receipt.ShareId, bed.Output.Path);

        Assert.That(result.Status, Is.EqualTo(ReceiveStatus.IntegrityFailed));
        Assert.That(result.Files.Single().Error, Does.Contain("no integrity protection"));
        Assert.That(bed.OutputFiles(), Is.Empty);
    }

    [Test]
    public async Task ReceiveShareAsync_ManifestClaimsKmsEnvelopeForOpenPgpObjects_FileRefused()
    {
        using var bed = ReceiveTestBed.OnLocalFolder();
        var receipt = await bed.Sharer().ShareStreamAsync(new MemoryStream(Content), "orders.csv");
        var file = receipt.Files[0];
        var manifest = new ShareManifest(1, receipt.ShareId, DateTimeOffset.UtcNow, "s", "t", new ManifestEncryption("kms-envelope", ["arn:aws:kms:eu-west-1:111122223333:key/x"]), [new ManifestFile(file.Path, file.Key, file.Size, file.Sha256, "none")]);
        await bed.PlantManifestJsonAsync(receipt.ShareId, System.Text.Json.JsonSerializer.SerializeToUtf8Bytes(manifest, ManifestJsonContext.Default.ShareManifest));

        var result = await bed.Receiver(allowedKmsKeys: ["arn:aws:kms:eu-west-1:111122223333:key/x"]).ReceiveShareAsync(receipt.ShareId, bed.Output.Path);

        Assert.That(result.Status, Is.EqualTo(ReceiveStatus.IntegrityFailed));
        Assert.That(result.Files.Single().Error, Does.Contain("not an AWS Encryption SDK message"));
        Assert.That(bed.OutputFiles(), Is.Empty);
    }

    [Test]
    public async Task ReceiveAllAsync_OneFileCorrupt_OtherFilesCompleteAndShareFails()
    {
        using var bed = ReceiveTestBed.OnLocalFolder();
        using var source = new TempDirectory();
        source.WriteFile("good.csv", Content);
        source.WriteFile("bad/bad.csv", TestData.Csv(10));
        var receipt = await bed.Sharer().ShareAsync([source.Path]);
        var bad = receipt.Files.Single(f => f.Path == "bad/bad.csv").Key;
        await bed.WriteObjectAsync(bad, Flip(await bed.ReadObjectAsync(bad), 300));

        var results = await bed.Receiver().ReceiveAllAsync(bed.Output.Path);

        Assert.That(results.Single().Status, Is.EqualTo(ReceiveStatus.IntegrityFailed));
        Assert.That(bed.OutputFiles(), Is.EqualTo(new[] { receipt.ShareId, $"{receipt.ShareId}/good.csv" }));
        Assert.That(File.Exists(bed.Output.Combine(receipt.ShareId + ".received")), Is.False, "a failed share is tried again next time");
    }

    [Test]
    public async Task ReceiveShareAsync_ManifestWithFlippedByte_IntegrityFailed()
    {
        using var bed = ReceiveTestBed.OnLocalFolder();
        var receipt = await bed.Sharer().ShareStreamAsync(new MemoryStream(Content), "orders.csv");
        var manifest = await bed.ReadObjectAsync(receipt.ManifestKey);
        await bed.WriteObjectAsync(receipt.ManifestKey, Flip(manifest, manifest.Length - 5));

        var result = await bed.Receiver().ReceiveShareAsync(receipt.ShareId, bed.Output.Path);

        Assert.That(result.Status, Is.EqualTo(ReceiveStatus.IntegrityFailed));
        Assert.That(result.Error, Does.Contain("manifest"));
        Assert.That(bed.OutputFiles(), Is.Empty);
    }

    [Test]
    public async Task ReceiveShareAsync_LinkInsideShareFolder_NothingWrittenThroughIt()
    {
        using var bed = ReceiveTestBed.OnLocalFolder();
        using var elsewhere = new TempDirectory();
        var receipt = await bed.Sharer().ShareStreamAsync(new MemoryStream(Content), "sub/orders.csv");
        Directory.CreateDirectory(bed.Output.Combine(receipt.ShareId));
        Directory.CreateSymbolicLink(bed.Output.Combine(receipt.ShareId, "sub"), elsewhere.Path);

        var result = await bed.Receiver().ReceiveShareAsync(receipt.ShareId, bed.Output.Path);

        Assert.That(result.Status, Is.EqualTo(ReceiveStatus.Conflict));
        Assert.That(result.Files.Single().Error, Does.Contain("is a link"));
        Assert.That(Directory.EnumerateFileSystemEntries(elsewhere.Path), Is.Empty);
    }

    [TestCase("evil")]
    [TestCase("..")]
    [TestCase("20261127T000000000Z-DEADBEEF")]
    public async Task ListSharesAsync_ManifestWithMalformedShareId_Ignored(string shareId)
    {
        using var bed = ReceiveTestBed.OnLocalFolder();
        var receipt = await bed.Sharer().ShareStreamAsync(new MemoryStream(Content), "orders.csv");
        bed.StoreFolder!.WriteFile($"{ReceiveTestBed.Prefix}/{shareId}.manifest.json.gpg", await bed.ReadObjectAsync(receipt.ManifestKey));

        var listing = await bed.Receiver().ListSharesAsync();

        Assert.That(listing.Complete.Select(s => s.ShareId), Is.EqualTo(new[] { receipt.ShareId }));
    }

    private static byte[] Flip(byte[] bytes, int index)
    {
        var copy = bytes.ToArray();
        copy[index] ^= 0x01;
        return copy;
    }
}
