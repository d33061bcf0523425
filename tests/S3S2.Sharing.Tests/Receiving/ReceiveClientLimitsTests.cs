using S3S2.Sharing.Encryption.Kms;
using S3S2.Sharing.Encryption.OpenPgp;
using S3S2.Sharing.Manifest;
using S3S2.Sharing.Receiving;
using S3S2.Sharing.Tests.Encryption.Kms;
using S3S2.Sharing.Tests.Infrastructure;
using S3S2.Sharing.Upload;

namespace S3S2.Sharing.Tests.Receiving;

/// <summary>What a receive may write is bounded: by the manifest, by the receiver's limits, by the expansion ratio and the free disk.</summary>
[TestFixture]
[Category("Integration")]
public sealed class ReceiveClientLimitsTests
{
    private static readonly byte[] Content = TestData.Csv(3000);

    [Test]
    public async Task ReceiveShareAsync_ManifestListsOneObjectEightTimes_RefusedAndNothingWritten()
    {
        using var bed = ReceiveTestBed.OnLocalFolder();
        var receipt = await bed.Sharer().ShareStreamAsync(new MemoryStream(Content), "orders.csv");
        var file = receipt.Files[0];
        await bed.PlantManifestAsync(receipt.ShareId, Enumerable.Range(1, 8).Select(i => new ManifestFile($"copy{i}.csv", file.Key, file.Size, file.Sha256, "zlib")).ToList());

        var result = await bed.Receiver().ReceiveShareAsync(receipt.ShareId, bed.Output.Path);

        Assert.That(result.Status, Is.EqualTo(ReceiveStatus.IntegrityFailed));
        Assert.That(result.Error, Does.Contain("is listed for another file too"));
        Assert.That(bed.OutputFiles(), Is.Empty);
    }

    [TestCase("bzip2", ReceiveStatus.IntegrityFailed, "bzip2")]
    [TestCase("zlib", ReceiveStatus.Refused, "decompresses to more than 100 times")]
    public async Task ReceiveShareAsync_CompressionBombMadeByGpg_RefusedAndNothingKept(string algorithm, ReceiveStatus expected, string message)
    {
        using var bed = ReceiveTestBed.OnLocalFolder();
        var (zeros, bomb) = await GpgBombAsync(algorithm);
        const string shareId = "20261127T000000000Z-0000b0b0";
        var key = $"{ReceiveTestBed.Prefix}/{shareId}/zeros.bin.gpg";
        await bed.WriteObjectAsync(key, bomb);

        // The manifest tells the truth about the plaintext: only the expansion ratio stands between it and the disk.
        await bed.PlantManifestAsync(shareId, [new ManifestFile("zeros.bin", key, zeros.Length, TestData.Sha256Hex(zeros), algorithm)]);

        var result = await bed.Receiver(configure: o => o.MaxExpansionRatio = 100).ReceiveShareAsync(shareId, bed.Output.Path);

        Assert.That(bomb, Has.Length.LessThan(100_000));
        // bzip2 is refused by the decoder itself; zlib only by the expansion ratio the pipeline counts.
        Assert.That(result.Status, Is.EqualTo(expected), () => string.Join("; ", result.Files.Select(f => f.Error)));
        Assert.That(result.Files.Single().Error, Does.Contain(message));
        Assert.That(bed.OutputFiles(), Is.Empty);
    }

    /// <summary>
    /// A message decrypted without a manifest (decrypt FILE, an object, a stream) has no listed size to hold it to: the
    /// expansion ratio and MaxFileBytes bound it, and the file variants leave nothing behind, not even a temporary file.
    /// </summary>
    [TestCase("file")]
    [TestCase("object")]
    public async Task DecryptToFile_CompressionBombMadeByGpg_RefusedAndNothingLeft(string source)
    {
        using var bed = ReceiveTestBed.OnLocalFolder();
        using var work = new TempDirectory();
        var (_, bomb) = await GpgBombAsync("zlib");
        var receiver = bed.Receiver(configure: o => o.MaxExpansionRatio = 100);
        var target = bed.Output.Combine("zeros.bin");

        ReceiveLimitException? refusal;
        if (source == "file")
        {
            refusal = await Assert.ThrowsAsync<ReceiveLimitException>(() => receiver.DecryptFileAsync(work.WriteFile("zeros.bin.gpg", bomb), target));
        }
        else
        {
            await bed.WriteObjectAsync("in/zeros.bin.gpg", bomb);
            refusal = await Assert.ThrowsAsync<ReceiveLimitException>(() => receiver.DecryptObjectAsync("in/zeros.bin.gpg", target));
        }

        Assert.That(refusal!.Message, Does.Contain("decompresses to more than 100 times").And.Contain("nothing of it was kept").And.Contain("--max-expansion-ratio"));
        Assert.That(bed.OutputFiles(), Is.Empty);
    }

    [Test]
    public async Task DecryptAsync_StreamOverMaxFileBytes_RefusedNamingTheLimitAfterAtMostThatMany()
    {
        using var bed = ReceiveTestBed.OnLocalFolder();
        var message = await ReceiveTestBed.EncryptAsync(Content, OpenPgpCompression.Zlib);
        using var plaintext = new MemoryStream();

        var refusal = await Assert.ThrowsAsync<ReceiveLimitException>(() =>
            bed.Receiver(configure: o => o.MaxFileBytes = 1000).DecryptAsync(new MemoryStream(message), plaintext));

        Assert.That(refusal!.Message, Does.Contain("MaxFileBytes 1000").And.Contain("--max-file-bytes").And.Contain("discard what was written"));
        Assert.That(plaintext.Length, Is.LessThanOrEqualTo(1000));
        Assert.That(Content, Has.Length.GreaterThan(1000));
    }

    [Test]
    public async Task DecryptAsync_StreamAtItsLimits_Decrypts()
    {
        using var bed = ReceiveTestBed.OnLocalFolder();
        var message = await ReceiveTestBed.EncryptAsync(Content, OpenPgpCompression.Zlib);
        using var plaintext = new MemoryStream();

        await bed.Receiver(configure: o => o.MaxFileBytes = Content.Length).DecryptAsync(new MemoryStream(message), plaintext);

        Assert.That(plaintext.ToArray(), Is.EqualTo(Content));
    }

    [Test]
    public async Task ReceiveShareAsync_ShareOverMaxShareBytes_RefusedBeforeAnyObjectIsFetched()
    {
        using var bed = await ReceiveTestBed.OnS3Async();
        using var source = new TempDirectory();
        source.WriteFile("s/a.csv", Content);
        source.WriteFile("s/b.csv", Content);
        var receipt = await bed.Sharer().ShareAsync([source.Combine("s")]);
        var receiver = bed.Receiver(countRequests: true, configure: o => o.MaxShareBytes = (2 * Content.Length) - 1);

        var result = await receiver.ReceiveShareAsync(receipt.ShareId, bed.Output.Path);

        Assert.That(result.Status, Is.EqualTo(ReceiveStatus.Refused));
        Assert.That(result.Error, Does.Contain("MaxShareBytes").And.Contain("--max-share-bytes"));
        Assert.That(bed.GetObjectKeys, Is.EqualTo(new[] { receipt.ManifestKey }));
        Assert.That(bed.OutputFiles(), Is.Empty);
    }

    [TestCase(nameof(ReceiveClientOptions.MaxFileBytes), "MaxFileBytes")]
    [TestCase(nameof(ReceiveClientOptions.MaxFilesPerShare), "MaxFilesPerShare")]
    public async Task ReceiveShareAsync_ManifestOverALimit_RefusedNamingTheLimitAndNothingWritten(string limit, string expected)
    {
        using var bed = ReceiveTestBed.OnLocalFolder();
        using var source = new TempDirectory();
        source.WriteFile("s/a.csv", Content);
        source.WriteFile("s/b.csv", TestData.Csv(10));
        var receipt = await bed.Sharer().ShareAsync([source.Combine("s")]);

        var result = await bed.Receiver(configure: o =>
        {
            o.MaxFileBytes = limit == nameof(ReceiveClientOptions.MaxFileBytes) ? Content.Length - 1 : o.MaxFileBytes;
            o.MaxFilesPerShare = limit == nameof(ReceiveClientOptions.MaxFilesPerShare) ? 1 : o.MaxFilesPerShare;
        }).ReceiveShareAsync(receipt.ShareId, bed.Output.Path);

        Assert.That(result.Status, Is.EqualTo(ReceiveStatus.Refused));
        Assert.That(result.Error, Does.Contain(expected));
        Assert.That(bed.OutputFiles(), Is.Empty);
    }

    /// <summary>
    /// A manifest of empty entries (each would become a file entry) is refused by counting its JSON values, before they
    /// become objects; a manifest of as many entries as the limit allows gets as far as the entries' own checks.
    /// </summary>
    [TestCase(10 * 24, false)]
    [TestCase(40_000, true)]
    public async Task ReceiveShareAsync_ManifestOfManyEmptyEntries_RefusedBeforeItIsRead(int entries, bool refusedByCount)
    {
        using var bed = ReceiveTestBed.OnLocalFolder();
        var receipt = await bed.Sharer().ShareStreamAsync(new MemoryStream(Content), "orders.csv");
        var json = "{\"formatVersion\":1,\"shareId\":\"" + receipt.ShareId + "\",\"files\":[" + string.Join(',', Enumerable.Repeat("{}", entries)) + "]}";
        await bed.PlantManifestJsonAsync(receipt.ShareId, System.Text.Encoding.UTF8.GetBytes(json));

        var result = await bed.Receiver(configure: o => o.MaxFilesPerShare = 10).ReceiveShareAsync(receipt.ShareId, bed.Output.Path);

        Assert.That(result.Status, Is.Not.EqualTo(ReceiveStatus.Received));
        Assert.That(result.Error, refusedByCount
            ? Does.Contain("JSON values").And.Contain("MaxFilesPerShare 10")
            : Does.Not.Contain("JSON values"));
        Assert.That(bed.OutputFiles(), Is.Empty);
    }

    /// <summary>
    /// A download stops past 1.5 times the listed size plus 2 MiB: the largest encodings senders write still fit, ASCII
    /// armor of incompressible data through zlib (over 4/3 of the size) and KMS envelope frames of the smallest size.
    /// </summary>
    [Test]
    public async Task MaxCiphertextBytes_ArmoredZlibAndSmallestKmsFrames_Fit()
    {
        var content = TestData.Random(32 * 1024 * 1024, seed: 5);
        var binary = await ReceiveTestBed.EncryptAsync(content, OpenPgpCompression.Zlib);
        using var armored = new MemoryStream();
        using (var armor = new Org.BouncyCastle.Bcpg.ArmoredOutputStream(armored))
        {
            armor.Write(binary);
        }

        var kms = await KmsTestMessages.EncryptAsync(content, KmsAlgorithmSuite.AesGcm256HkdfSha512Commit, EsdkFormat.MinFrameLength);

        Assert.That(armored.Length, Is.GreaterThan(content.Length * 4L / 3), "armor expands by a third and more");
        Assert.That(new[] { armored.Length, kms.Length }, Is.All.LessThanOrEqualTo(ReceiveClient.MaxCiphertextBytes(content.Length)));
    }

    [Test]
    public async Task ReceiveShareAsync_ShareLargerThanTheFreeDisk_RefusedBeforeWriting()
    {
        using var bed = ReceiveTestBed.OnLocalFolder();
        var receipt = await bed.Sharer().ShareStreamAsync(new MemoryStream(Content), "orders.csv");
        var file = receipt.Files[0];
        const long petabyte = 1L << 50;
        await bed.PlantManifestAsync(receipt.ShareId, [new ManifestFile("huge.csv", file.Key, petabyte, file.Sha256, "zlib")]);

        var result = await bed.Receiver(configure: o =>
        {
            o.MaxFileBytes = long.MaxValue;
            o.MaxShareBytes = long.MaxValue;
        }).ReceiveShareAsync(receipt.ShareId, bed.Output.Path);

        Assert.That(result.Status, Is.EqualTo(ReceiveStatus.Refused));
        Assert.That(result.Error, Does.Contain($"needs {petabyte} bytes").And.Contain("free"));
        Assert.That(bed.OutputFiles(), Is.Empty);
    }

    [Test]
    public async Task ReceiveShareAsync_NineThousandPathsFiveHundredLevelsDeep_RefusedByDepthCap()
    {
        using var bed = ReceiveTestBed.OnLocalFolder();
        var receipt = await bed.Sharer().ShareStreamAsync(new MemoryStream(Content), "orders.csv");
        var file = receipt.Files[0];
        await bed.PlantManifestAsync(receipt.ShareId, DeepFiles(9000, 500, $"{ReceiveTestBed.Prefix}/{receipt.ShareId}/", file.Sha256));

        var result = await bed.Receiver().ReceiveShareAsync(receipt.ShareId, bed.Output.Path);

        Assert.That(result.Status, Is.EqualTo(ReceiveStatus.Refused));
        Assert.That(result.Error, Does.Contain("500 levels, more than MaxPathDepth 32"));
        Assert.That(bed.OutputFiles(), Is.Empty);
    }

    /// <summary>32 MiB of zeros encrypted by gpg to the test receiver, compressed at level 9: a message of a few kilobytes.</summary>
    private static async Task<(byte[] Zeros, byte[] Bomb)> GpgBombAsync(string algorithm)
    {
        using var gpg = Gpg.Create();
        using var work = new TempDirectory();
        await gpg.ImportAsync(TestKeys.Receiver.PublicKeyArmored);
        var zeros = new byte[32 * 1024 * 1024];
        var input = work.WriteFile("zeros.bin", zeros);
        var made = await gpg.RunAsync("--trust-model", "always", "--recipient", TestKeys.Receiver.Fingerprint, "--compress-algo", algorithm, "--compress-level", "9", "--output", input + ".gpg", "--encrypt", input);
        Assert.That(made.ExitCode, Is.Zero, made.StandardError);
        return (zeros, await File.ReadAllBytesAsync(input + ".gpg"));
    }

    [Test]
    public void Plan_NineThousandPathsFiveHundredLevelsDeepWithoutDepthCap_AllocatesLinearlyInTheManifestSize()
    {
        const string shareId = "20261127T000000000Z-00000001";
        var files = DeepFiles(9000, 500, $"in/{shareId}/", new string('a', 64));
        var manifest = new ShareManifest(1, shareId, DateTimeOffset.UtcNow, "sender", "test", new ManifestEncryption("openpgp", []), files);
        var manifestChars = files.Sum(f => (long)f.Path.Length + f.Key.Length);
        var options = new ReceiveClientOptions { MaxPathDepth = 1000 };

        var before = GC.GetAllocatedBytesForCurrentThread();
        var plan = ManifestCheck.Plan(manifest, shareId, $"in/{shareId}", "/tmp/out/" + shareId, "manifest", options);
        var allocated = GC.GetAllocatedBytesForCurrentThread() - before;

        // Building every prefix of every path (the quadratic way) allocates about 9,000 x 500 x 1,000 chars x 2 bytes = 9 GB.
        Assert.That(plan, Has.Count.EqualTo(9000));
        Assert.That(allocated, Is.LessThan(200 * manifestChars), $"{allocated} bytes allocated for {manifestChars} chars of paths and keys");
    }

    [Test]
    public async Task TemporaryFile_TargetNameOf255Bytes_TemporaryNameFitsTheFileSystem()
    {
        using var folder = new TempDirectory();
        var target = folder.Combine(new string('n', 255));

        var temporary = TemporaryFile.Beside(target, ownerOnly: true);
        await using (temporary)
        {
            await temporary.Stream.WriteAsync(Content);
            temporary.MoveIntoPlace();
        }

        Assert.That(System.Text.Encoding.UTF8.GetByteCount(Path.GetFileName(temporary.Path)), Is.LessThanOrEqualTo(40));
        Assert.That(Path.GetFileName(temporary.Path), Does.Not.Contain("nnn"));
        Assert.That(await File.ReadAllBytesAsync(target), Is.EqualTo(Content));
    }

    [Test]
    public async Task ReceiveShareAsync_FileNameOf200Utf8Bytes_RoundTripsOverS3()
    {
        using var bed = await ReceiveTestBed.OnS3Async();
        var name = new string('é', 98) + ".csv";
        Assert.That(System.Text.Encoding.UTF8.GetByteCount(name), Is.EqualTo(200));
        var receipt = await bed.Sharer().ShareStreamAsync(new MemoryStream(Content), name);

        var result = await bed.Receiver().ReceiveShareAsync(receipt.ShareId, bed.Output.Path);

        Assert.That(result.Status, Is.EqualTo(ReceiveStatus.Received), () => string.Join("; ", result.Files.Select(f => f.Error)));
        Assert.That(await File.ReadAllBytesAsync(bed.Output.Combine(receipt.ShareId, name)), Is.EqualTo(Content));
    }

    private static List<ManifestFile> DeepFiles(int count, int depth, string keyRoot, string sha256)
    {
        var folders = string.Concat(Enumerable.Repeat("d/", depth - 1));
        return Enumerable.Range(0, count).Select(i => new ManifestFile($"{folders}f{i}", $"{keyRoot}f{i}.gpg", 1, sha256, "none")).ToList();
    }
}
