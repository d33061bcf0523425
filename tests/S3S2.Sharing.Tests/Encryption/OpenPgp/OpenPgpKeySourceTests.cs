using System.Text;
using Microsoft.Extensions.DependencyInjection;
using S3S2.Sharing.Encryption;
using S3S2.Sharing.Encryption.OpenPgp;
using S3S2.Sharing.Tests.Infrastructure;

namespace S3S2.Sharing.Tests.Encryption.OpenPgp;

/// <summary>
/// A preloaded key is read once, on another thread, and every load that uses it still checks it in full: the same
/// recipients, the same errors with the same messages, whether the work ahead finished, failed or was cancelled.
/// </summary>
[TestFixture]
public sealed class OpenPgpKeySourceTests
{
    [Test]
    public void Preload_ThenLoadedTwice_ReadsTheKeyOnceAndLoadsTheSameRecipient()
    {
        var source = Counting(TestKeys.Receiver.PublicKeyArmored, out var opens);

        source.Preload();
        var first = OpenPgpRecipientKeys.Load([source], DateTime.UtcNow);
        var second = OpenPgpRecipientKeys.Load([source], DateTime.UtcNow);

        Assert.Multiple(() =>
        {
            Assert.That(opens(), Is.EqualTo(1));
            Assert.That(first.Select(r => r.Fingerprint), Is.EqualTo(new[] { TestKeys.Receiver.Fingerprint }));
            Assert.That(second.Select(r => r.Fingerprint), Is.EqualTo(new[] { TestKeys.Receiver.Fingerprint }));
        });
    }

    [Test]
    public void Preload_CalledTwice_ReadsTheKeyOnce()
    {
        var source = Counting(TestKeys.Receiver.PublicKeyArmored, out var opens);

        source.Preload();
        source.Preload();
        _ = OpenPgpRecipientKeys.Load([source], DateTime.UtcNow);

        Assert.That(opens(), Is.EqualTo(1));
    }

    [Test]
    public void Preload_PinnedClientBuilt_ReadsTheKeyOnceForTheValidatorAndTheClient()
    {
        using var work = new TempDirectory();
        var source = Counting(TestKeys.Receiver.PublicKeyArmored, out var opens);
        source.Preload();
        var services = new ServiceCollection();
        services.AddS3S2Sharing(o => o.Prefix = "partners/acme")
            .AddOpenPgpEncryption(o =>
            {
                o.RecipientKeys.Add(source);
                o.PinnedFingerprints.Add(TestKeys.Receiver.Fingerprint);
            })
            .AddLocalFolderStore(work.Combine("store"));
        using var provider = services.BuildServiceProvider(new ServiceProviderOptions { ValidateOnBuild = true, ValidateScopes = true });

        var client = provider.GetRequiredService<IShareClient>();

        Assert.Multiple(() =>
        {
            Assert.That(client, Is.Not.Null);
            Assert.That(opens(), Is.EqualTo(1), "read once, though the pin check and the client both load it");
        });
    }

    [Test]
    public void Preload_MissingFile_LoadFailsWithTheSameMessageAsWithout()
    {
        using var work = new TempDirectory();
        var path = work.Combine("missing.pub.asc");
        var preloaded = OpenPgpKeySource.FromFile(path);
        preloaded.Preload();

        var withPreload = Assert.Throws<EncryptionKeyException>(() => OpenPgpRecipientKeys.Load([preloaded], DateTime.UtcNow));
        var again = Assert.Throws<EncryptionKeyException>(() => OpenPgpRecipientKeys.Load([preloaded], DateTime.UtcNow));
        var without = Assert.Throws<EncryptionKeyException>(() => OpenPgpRecipientKeys.Load([OpenPgpKeySource.FromFile(path)], DateTime.UtcNow));

        Assert.Multiple(() =>
        {
            Assert.That(withPreload!.Message, Is.EqualTo(without!.Message));
            Assert.That(again!.Message, Is.EqualTo(without.Message));
            Assert.That(withPreload.Message, Does.Contain("missing.pub.asc"));
        });
    }

    [Test]
    public void Preload_DamagedKey_LoadFailsWithTheSameMessageAsWithout()
    {
        var armored = TestKeys.Receiver.PublicKeyArmored;
        var damaged = armored[..(armored.Length / 2)] + "!!!!" + armored[(armored.Length / 2)..];
        var preloaded = Counting(damaged, out _);
        preloaded.Preload();

        var withPreload = Assert.Throws<EncryptionKeyException>(() => OpenPgpRecipientKeys.Load([preloaded], DateTime.UtcNow));
        var without = Assert.Throws<EncryptionKeyException>(() => OpenPgpRecipientKeys.Load([Counting(damaged, out _)], DateTime.UtcNow));

        Assert.That(withPreload!.Message, Is.EqualTo(without!.Message));
    }

    [Test]
    public void Preload_SecretKeyGivenAsRecipient_RefusedWithTheSameMessageAsWithout()
    {
        var preloaded = Counting(TestKeys.Receiver.SecretKeyArmored, out var opens);
        preloaded.Preload();

        var withPreload = Assert.Throws<EncryptionKeyException>(() => OpenPgpRecipientKeys.Load([preloaded], DateTime.UtcNow));
        var without = Assert.Throws<EncryptionKeyException>(() => OpenPgpRecipientKeys.Load([Counting(TestKeys.Receiver.SecretKeyArmored, out _)], DateTime.UtcNow));

        Assert.Multiple(() =>
        {
            Assert.That(withPreload!.Message, Is.EqualTo(without!.Message));
            Assert.That(withPreload.Message, Does.Contain("holds a secret key"));
            Assert.That(opens(), Is.EqualTo(1));
        });
    }

    [Test]
    public void Preload_SecretKey_ReceiverLoadsTheSameKeysFromOneRead()
    {
        var preloaded = Counting(TestKeys.Receiver.SecretKeyArmored, out var opens);
        preloaded.Preload();

        var keys = new OpenPgpSecretKeys([preloaded], passphrase: null);
        var expected = new OpenPgpSecretKeys([OpenPgpKeySource.FromArmoredString(TestKeys.Receiver.SecretKeyArmored)], passphrase: null);

        Assert.Multiple(() =>
        {
            Assert.That(keys.KeyIds, Is.EquivalentTo(expected.KeyIds));
            Assert.That(keys.EncryptionKeyIds, Is.EquivalentTo(expected.EncryptionKeyIds));
            Assert.That(keys.EncryptionKeyIds, Is.Not.Empty);
            Assert.That(opens(), Is.EqualTo(1));
        });
    }

    [Test]
    public void Preload_CancelledBeforeItStarts_LoadStillReadsAndChecksTheKey()
    {
        var source = Counting(TestKeys.Receiver.PublicKeyArmored, out var opens);
        using var cancelled = new CancellationTokenSource();
        cancelled.Cancel();

        source.Preload(cancelled.Token);
        Assert.That(opens(), Is.Zero, "nothing runs ahead once cancelled");
        var recipients = OpenPgpRecipientKeys.Load([source], DateTime.UtcNow);

        Assert.Multiple(() =>
        {
            Assert.That(recipients.Select(r => r.Fingerprint), Is.EqualTo(new[] { TestKeys.Receiver.Fingerprint }));
            Assert.That(opens(), Is.EqualTo(1));
        });
    }

    /// <summary>A key source over <paramref name="armored"/> that counts how often it is opened.</summary>
    private static OpenPgpKeySource Counting(string armored, out Func<int> opens)
    {
        var bytes = Encoding.ASCII.GetBytes(armored);
        var count = 0;
        opens = () => Volatile.Read(ref count);
        return OpenPgpKeySource.FromStream(
            () =>
            {
                Interlocked.Increment(ref count);
                return new MemoryStream(bytes, writable: false);
            },
            "counted key");
    }
}
