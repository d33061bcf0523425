using S3S2.Sharing.Encryption;
using S3S2.Sharing.Encryption.OpenPgp;
using S3S2.Sharing.Receiving;
using S3S2.Sharing.Tests.Infrastructure;

namespace S3S2.Sharing.Tests.Receiving;

/// <summary>Shares with IShareClient and receives with IReceiveClient through the local S3 server (and the local folder store).</summary>
[TestFixture]
[Category("Integration")]
public sealed class ReceiveClientTests
{
    private static readonly Dictionary<string, byte[]> Files = new()
    {
        ["orders.csv"] = TestData.Csv(2000),
        ["empty.csv"] = [],
        ["régions/données-été.csv"] = TestData.Csv(10),
        ["deep/er/still/big.bin"] = TestData.Random((2 * ReceiveTestBed.PartSize) + 12345, seed: 7),
    };

    [TestCase(OpenPgpCompression.Zlib)]
    [TestCase(OpenPgpCompression.None)]
    public async Task ReceiveShareAsync_NestedMultipartEmptyAndNonAsciiFilesOverS3_WritesIdenticalBytes(OpenPgpCompression compression)
    {
        using var bed = await ReceiveTestBed.OnS3Async();
        using var source = WriteSource();
        var receipt = await bed.Sharer(compression: compression).ShareAsync([source.Path]);

        var result = await bed.Receiver().ReceiveShareAsync(receipt.ShareId, bed.Output.Path);

        Assert.That(result.Status, Is.EqualTo(ReceiveStatus.Received), () => string.Join("; ", result.Files.Select(f => f.Error)));
        Assert.That(result.Files.Select(f => f.Path), Is.EquivalentTo(Files.Keys));
        foreach (var (path, content) in Files)
        {
            Assert.That(await File.ReadAllBytesAsync(bed.Output.Combine([receipt.ShareId, .. path.Split('/')])), Is.EqualTo(content), path);
        }

        Assert.That(bed.OutputFiles().Where(f => f.Contains(".partial", StringComparison.Ordinal)), Is.Empty);
    }

    [Test]
    public async Task ReceiveAllAsync_PassphraseProtectedKey_ReceivesWithCallback()
    {
        var key = OpenPgpKeyGenerator.Generate("Protected <protected@s3s2.test>", "correct horse".AsSpan(), 2048);
        using var bed = ReceiveTestBed.OnLocalFolder();
        var receipt = await bed.Sharer(key).ShareStreamAsync(new MemoryStream(TestData.Csv(50)), "daily/orders.csv");

        var results = await bed.Receiver(key, () => "correct horse").ReceiveAllAsync(bed.Output.Path);

        Assert.That(results.Single().Status, Is.EqualTo(ReceiveStatus.Received));
        Assert.That(await File.ReadAllBytesAsync(bed.Output.Combine(receipt.ShareId, "daily", "orders.csv")), Is.EqualTo(TestData.Csv(50)));
    }

    [Test]
    public async Task ReceiveAllAsync_WrongPassphrase_ThrowsEncryptionKeyExceptionWithoutThePassphrase()
    {
        var key = OpenPgpKeyGenerator.Generate("Protected <protected@s3s2.test>", "correct horse".AsSpan(), 2048);
        using var bed = ReceiveTestBed.OnLocalFolder();
        await bed.Sharer(key).ShareStreamAsync(new MemoryStream(TestData.Csv(5)), "a.csv");

        var error = await Assert.ThrowsAsync<EncryptionKeyException>(() => bed.Receiver(key, () => "battery staple").ReceiveAllAsync(bed.Output.Path));

        Assert.That(error!.Message, Does.Contain("passphrase is wrong").And.Not.Contain("battery"));
        Assert.That(bed.OutputFiles(), Is.Empty);
    }

    [Test]
    public async Task ReceiveAllAsync_ShareEncryptedToAnotherKey_ThrowsEncryptionKeyException()
    {
        using var bed = ReceiveTestBed.OnLocalFolder();
        await bed.Sharer(TestKeys.SecondReceiver).ShareStreamAsync(new MemoryStream(TestData.Csv(5)), "a.csv");

        var error = await Assert.ThrowsAsync<EncryptionKeyException>(() => bed.Receiver().ReceiveAllAsync(bed.Output.Path));

        Assert.That(error!.Message, Does.Contain("none of which is among the configured secret keys"));
    }

    [Test]
    public async Task ReceiveAllAsync_OlderShareForAnotherKey_DoesNotBlockTheGoodShareAfterIt()
    {
        using var bed = ReceiveTestBed.OnLocalFolder();
        var planted = await bed.Sharer(TestKeys.SecondReceiver).ShareStreamAsync(new MemoryStream(TestData.Csv(5)), "planted.csv");
        var content = TestData.Csv(7);
        var good = await bed.Sharer().ShareStreamAsync(new MemoryStream(content), "good.csv");

        var results = await bed.Receiver().ReceiveAllAsync(bed.Output.Path);

        Assert.That(results.Single(r => r.ShareId == planted.ShareId).Status, Is.EqualTo(ReceiveStatus.Skipped));
        Assert.That(results.Single(r => r.ShareId == good.ShareId).Status, Is.EqualTo(ReceiveStatus.Received));
        Assert.That(File.Exists(Path.Combine(bed.Output.Path, planted.ShareId + ".skipped")), Is.True);
        Assert.That((await bed.Receiver().ReceiveAllAsync(bed.Output.Path)).Single(r => r.ShareId == planted.ShareId).Status, Is.EqualTo(ReceiveStatus.Skipped));
        Assert.That(await File.ReadAllBytesAsync(Path.Combine(bed.Output.Path, good.ShareId, "good.csv")), Is.EqualTo(content));
    }

    /// <summary>
    /// A planted manifest that is no message at all fails without any key being used, so it proves nothing about the
    /// keys: a share for a key not configured yet (a rotation) is then reported failed and tried again next run, never
    /// marked skipped.
    /// </summary>
    [Test]
    public async Task ReceiveAllAsync_JunkManifestBesideAShareForAnotherKey_NoSkippedMarker()
    {
        using var bed = ReceiveTestBed.OnLocalFolder();
        var junk = await bed.Sharer().ShareStreamAsync(new MemoryStream(TestData.Csv(5)), "junk.csv");
        await bed.WriteObjectAsync(junk.ManifestKey, TestData.Random(2000, seed: 3));
        var later = await bed.Sharer(TestKeys.SecondReceiver).ShareStreamAsync(new MemoryStream(TestData.Csv(5)), "later.csv");

        var error = await Assert.ThrowsAsync<EncryptionKeyException>(() => bed.Receiver().ReceiveAllAsync(bed.Output.Path));

        Assert.That(error!.Message, Does.Contain("none of which is among the configured secret keys"));
        Assert.That(File.Exists(Path.Combine(bed.Output.Path, later.ShareId + ".skipped")), Is.False);
    }

    [Test]
    public async Task ReceiveAllAsync_PlantedShareAfterEverythingWasReceived_ReportedNotThrown()
    {
        using var bed = ReceiveTestBed.OnLocalFolder();
        await bed.Sharer().ShareStreamAsync(new MemoryStream(TestData.Csv(7)), "good.csv");
        await bed.Receiver().ReceiveAllAsync(bed.Output.Path);
        var planted = await bed.Sharer(TestKeys.SecondReceiver).ShareStreamAsync(new MemoryStream(TestData.Csv(5)), "planted.csv");

        var results = await bed.Receiver().ReceiveAllAsync(bed.Output.Path);

        // No share was decrypted in this run, so nothing proves the keys work: reported failed (not skipped), not thrown.
        Assert.That(results.Select(r => r.Status), Is.EquivalentTo(new[] { ReceiveStatus.AlreadyReceived, ReceiveStatus.Failed }));
        Assert.That(results.Single(r => r.ShareId == planted.ShareId).Error, Does.Contain("secret keys"));
    }

    [Test]
    public async Task ListSharesAsync_ShareWithASecondManifest_IsNotOffered()
    {
        using var bed = ReceiveTestBed.OnLocalFolder();
        var receipt = await bed.Sharer().ShareStreamAsync(new MemoryStream(TestData.Csv(7)), "good.csv");
        File.Copy(Path.Combine(bed.StoreFolder!.Path, receipt.ManifestKey), Path.Combine(bed.StoreFolder.Path, receipt.ManifestKey.Replace(".gpg", ".encrypted", StringComparison.Ordinal)));

        var listing = await bed.Receiver().ListSharesAsync();

        Assert.That(listing.Complete, Is.Empty);
        Assert.That(listing.Incomplete, Is.EqualTo(new[] { receipt.ShareId }));
    }

    [Test]
    public async Task ReceiveAllAsync_SecondRunOverS3_DownloadsNothing()
    {
        using var bed = await ReceiveTestBed.OnS3Async();
        using var source = WriteSource();
        var receipt = await bed.Sharer().ShareAsync([source.Path]);
        var receiver = bed.Receiver(countRequests: true);

        var first = await receiver.ReceiveAllAsync(bed.Output.Path);
        var downloadsAfterFirst = bed.GetObjectKeys.Count;
        var written = bed.OutputFiles().ToDictionary(f => f, f => File.GetLastWriteTimeUtc(bed.Output.Combine(f.Split('/'))));
        var second = await receiver.ReceiveAllAsync(bed.Output.Path);

        Assert.That(first.Single().Status, Is.EqualTo(ReceiveStatus.Received));
        Assert.That(downloadsAfterFirst, Is.EqualTo(Files.Count + 1), "every file and the manifest once");
        Assert.That(second.Single().Status, Is.EqualTo(ReceiveStatus.AlreadyReceived));
        Assert.That(bed.GetObjectKeys, Has.Count.EqualTo(downloadsAfterFirst), "the second run downloads nothing");
        Assert.That(bed.OutputFiles().ToDictionary(f => f, f => File.GetLastWriteTimeUtc(bed.Output.Combine(f.Split('/')))), Is.EqualTo(written));
        Assert.That(second.Single().ShareId, Is.EqualTo(receipt.ShareId));
    }

    [Test]
    public async Task ReceiveShareAsync_InterruptedReceive_ResumesAndSkipsVerifiedFiles()
    {
        using var bed = await ReceiveTestBed.OnS3Async();
        using var source = WriteSource();
        var receipt = await bed.Sharer().ShareAsync([source.Path]);
        var receiver = bed.Receiver(countRequests: true);
        await receiver.ReceiveShareAsync(receipt.ShareId, bed.Output.Path);

        // As if the first receive stopped half way: one file missing, a stale temporary file left behind.
        var shareFolder = bed.Output.Combine(receipt.ShareId);
        File.Delete(Path.Combine(shareFolder, "orders.csv"));
        var stale = Path.Combine(shareFolder, ".orders.csv.0123456789abcdef0123456789abcdef.partial");
        await File.WriteAllTextAsync(stale, "half");
        File.SetLastWriteTimeUtc(stale, DateTime.UtcNow.AddHours(-2)); // recent ones may belong to a receive still running
        bed.GetObjectKeys.Clear();

        var result = await receiver.ReceiveShareAsync(receipt.ShareId, bed.Output.Path);

        Assert.That(result.Files.Single(f => f.Path == "orders.csv").Status, Is.EqualTo(ReceiveStatus.Received));
        Assert.That(result.Files.Where(f => f.Path != "orders.csv").Select(f => f.Status), Is.All.EqualTo(ReceiveStatus.AlreadyReceived));
        Assert.That(bed.GetObjectKeys, Is.EquivalentTo(new[] { receipt.ManifestKey, receipt.Files.Single(f => f.Path == "orders.csv").Key }));
        Assert.That(await File.ReadAllBytesAsync(Path.Combine(shareFolder, "orders.csv")), Is.EqualTo(Files["orders.csv"]));
        Assert.That(bed.OutputFiles().Where(f => f.EndsWith(".partial", StringComparison.Ordinal)), Is.Empty);
    }

    [Test]
    public async Task ReceiveShareAsync_DifferentFileAtTarget_ReportsConflictAndKeepsIt()
    {
        using var bed = ReceiveTestBed.OnLocalFolder();
        var receipt = await bed.Sharer().ShareStreamAsync(new MemoryStream(TestData.Csv(20)), "orders.csv");
        bed.Output.WriteFile($"{receipt.ShareId}/orders.csv", "mine"u8.ToArray());

        var result = await bed.Receiver().ReceiveShareAsync(receipt.ShareId, bed.Output.Path);

        Assert.That(result.Status, Is.EqualTo(ReceiveStatus.Conflict));
        Assert.That(result.Files.Single().Error, Does.Contain("never overwritten"));
        Assert.That(await File.ReadAllTextAsync(bed.Output.Combine(receipt.ShareId, "orders.csv")), Is.EqualTo("mine"));
    }

    [Test]
    public async Task ReceiveAllAsync_DeleteAfterReceiveOverS3_DeletesObjectsAndManifest()
    {
        using var bed = await ReceiveTestBed.OnS3Async();
        var kept = await bed.Sharer().ShareStreamAsync(new MemoryStream(TestData.Csv(20)), "a.csv");
        var receipt = await bed.Sharer().ShareStreamAsync(new MemoryStream(TestData.Csv(30)), "b/c.csv");

        var results = await bed.Receiver(deleteAfterReceive: true).ReceiveAllAsync(bed.Output.Path);

        Assert.That(results.Select(r => r.Status), Is.All.EqualTo(ReceiveStatus.Received));
        Assert.That(await bed.KeysAsync(), Is.Empty);
        Assert.That(await File.ReadAllBytesAsync(bed.Output.Combine(receipt.ShareId, "b", "c.csv")), Is.EqualTo(TestData.Csv(30)));
        Assert.That(await File.ReadAllBytesAsync(bed.Output.Combine(kept.ShareId, "a.csv")), Is.EqualTo(TestData.Csv(20)));
    }

    [Test]
    public async Task ReceiveAllAsync_DeleteAfterReceiveOnLocalFolder_LeavesEmptyStore()
    {
        using var bed = ReceiveTestBed.OnLocalFolder();
        await bed.Sharer().ShareStreamAsync(new MemoryStream(TestData.Csv(20)), "x/y/z.csv");

        await bed.Receiver(deleteAfterReceive: true).ReceiveAllAsync(bed.Output.Path);

        Assert.That(await bed.KeysAsync(), Is.Empty);
        Assert.That(Directory.EnumerateDirectories(bed.StoreFolder!.Path, "*", SearchOption.AllDirectories), Is.Empty);
    }

    [Test]
    public async Task ReceiveAllAsync_ReceivedFiles_AreReadableByTheirOwnerOnly()
    {
        using var bed = ReceiveTestBed.OnLocalFolder();
        var receipt = await bed.Sharer().ShareStreamAsync(new MemoryStream(TestData.Csv(20)), "x/plain.csv");

        await bed.Receiver().ReceiveAllAsync(bed.Output.Path);

        var received = Path.Combine(bed.Output.Path, receipt.ShareId, "x", "plain.csv");
        Assert.That(File.Exists(received), Is.True);
        if (!OperatingSystem.IsWindows())
        {
            Assert.That(File.GetUnixFileMode(received), Is.EqualTo(UnixFileMode.UserRead | UnixFileMode.UserWrite));
        }
    }

    [Test]
    public async Task ListSharesAsync_ShareFolderWithoutManifest_ReportedIncompleteAndNotReceived()
    {
        using var bed = await ReceiveTestBed.OnS3Async();
        var complete = await bed.Sharer().ShareStreamAsync(new MemoryStream(TestData.Csv(20)), "a.csv");
        const string Unfinished = "20261127T000000000Z-deadbeef";
        await bed.WriteObjectAsync($"{ReceiveTestBed.Prefix}/{Unfinished}/a.csv.gpg", await ReceiveTestBed.EncryptAsync(TestData.Csv(3)));

        var receiver = bed.Receiver();
        var listing = await receiver.ListSharesAsync();
        var results = await receiver.ReceiveAllAsync(bed.Output.Path);

        Assert.That(listing.Complete.Select(s => s.ShareId), Is.EqualTo(new[] { complete.ShareId }));
        Assert.That(listing.Complete.Single().ManifestKey, Is.EqualTo(complete.ManifestKey));
        Assert.That(listing.Incomplete, Is.EqualTo(new[] { Unfinished }));
        Assert.That(results.Select(r => r.ShareId), Is.EqualTo(new[] { complete.ShareId }));
        Assert.That(Directory.Exists(bed.Output.Combine(Unfinished)), Is.False);
        var error = await Assert.ThrowsAsync<ArgumentException>(() => receiver.ReceiveShareAsync(Unfinished, bed.Output.Path));
        Assert.That(error!.Message, Does.Contain("incomplete"));
    }

    [Test]
    public async Task ListSharesAsync_LocalFolderWithPartialFiles_IgnoresHiddenEntries()
    {
        using var bed = ReceiveTestBed.OnLocalFolder();
        var receipt = await bed.Sharer().ShareStreamAsync(new MemoryStream(TestData.Csv(5)), "a.csv");
        bed.StoreFolder!.WriteFile($"{ReceiveTestBed.Prefix}/.20261127T000000000Z-deadbeef.manifest.json.gpg.0123.partial", [1, 2, 3]);

        var listing = await bed.Receiver().ListSharesAsync();

        Assert.That(listing.Complete.Select(s => s.ShareId), Is.EqualTo(new[] { receipt.ShareId }));
        Assert.That(listing.Incomplete, Is.Empty);
    }

    [Test]
    public async Task DecryptObjectAsync_SharedObject_WritesPlaintext()
    {
        using var bed = await ReceiveTestBed.OnS3Async();
        var receipt = await bed.Sharer().ShareStreamAsync(new MemoryStream(TestData.Csv(40)), "a.csv");
        var target = bed.Output.Combine("single.csv");

        await bed.Receiver().DecryptObjectAsync(receipt.Files[0].Key, target);

        Assert.That(await File.ReadAllBytesAsync(target), Is.EqualTo(TestData.Csv(40)));
    }

    [Test]
    public async Task ReceiveShareAsync_MalformedShareId_ThrowsArgumentException()
    {
        using var bed = ReceiveTestBed.OnLocalFolder();

        var error = await Assert.ThrowsAsync<ArgumentException>(() => bed.Receiver().ReceiveShareAsync("../etc", bed.Output.Path));

        Assert.That(error!.Message, Does.Contain("is not a share id"));
    }

    private static TempDirectory WriteSource()
    {
        var source = new TempDirectory();
        foreach (var (path, content) in Files)
        {
            source.WriteFile(path, content);
        }

        return source;
    }
}
