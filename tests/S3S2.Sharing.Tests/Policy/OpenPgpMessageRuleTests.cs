using Org.BouncyCastle.Bcpg;
using Org.BouncyCastle.Bcpg.OpenPgp;
using Org.BouncyCastle.Security;
using S3S2.Sharing.Encryption;
using S3S2.Sharing.Encryption.OpenPgp;
using S3S2.Sharing.Policy;
using S3S2.Sharing.Tests.Infrastructure;

namespace S3S2.Sharing.Tests.Policy;

[TestFixture]
public sealed class OpenPgpMessageRuleTests
{
    [Test]
    public async Task Check_OurMessageToExactlyTheRecipients_IsAllowed()
    {
        var rule = new OpenPgpMessageRule(TestKeys.Recipients(TestKeys.Receiver, TestKeys.SecondReceiver), [TestKeys.Receiver.Fingerprint, TestKeys.SecondReceiver.Fingerprint]);

        var message = await EncryptAsync(TestKeys.Receiver, TestKeys.SecondReceiver);

        Assert.That(rule.Check(message, isWholeBody: true), Is.Null);
    }

    [Test]
    public async Task Check_RecipientKeyExpiredSinceTheClientWasBuilt_IsRefused()
    {
        var (armored, _, _) = TestKeyRings.Build(
            PgpKeyFlags.CanCertify | PgpKeyFlags.CanSign, null, null, false,
            new TestKeyRings.Subkey(DateTime.UtcNow.AddDays(-1), Lifetime: TimeSpan.FromDays(2)));
        var recipients = OpenPgpRecipientKeys.Load([OpenPgpKeySource.FromArmoredString(armored)], DateTime.UtcNow);
        var clock = new FixedClock(DateTimeOffset.UtcNow);
        var rule = new OpenPgpMessageRule(recipients, [], clock);
        var message = await EncryptAsync(recipients);

        var today = rule.Check(message, isWholeBody: true);
        clock.Now = clock.Now.AddDays(2);
        var later = rule.Check(message, isWholeBody: true);

        Assert.That(today, Is.Null);
        Assert.That(later, Does.Contain("expired on").And.Contain("current key"));
    }

    [Test]
    public void Check_Plaintext_IsRefused()
    {
        var rule = new OpenPgpMessageRule(TestKeys.Recipients(TestKeys.Receiver), []);

        Assert.That(rule.Check("order_id,amount\n1,2\n"u8, isWholeBody: true), Does.Contain("not an OpenPGP message"));
    }

    [Test]
    public void Check_EmptyBody_IsRefused()
    {
        var rule = new OpenPgpMessageRule(TestKeys.Recipients(TestKeys.Receiver), []);

        Assert.That(rule.Check([], isWholeBody: true), Is.Not.Null);
    }

    [Test]
    public async Task Check_ArmoredMessage_IsRefused()
    {
        var rule = new OpenPgpMessageRule(TestKeys.Recipients(TestKeys.Receiver), []);
        using var armored = new MemoryStream();
        using (var output = new ArmoredOutputStream(armored))
        {
            output.Write(await EncryptAsync(TestKeys.Receiver));
        }

        Assert.That(rule.Check(armored.ToArray(), isWholeBody: true), Does.Contain("armored"));
    }

    [Test]
    public async Task Check_MessageToAnotherKey_IsRefused()
    {
        var rule = new OpenPgpMessageRule(TestKeys.Recipients(TestKeys.Receiver), []);

        Assert.That(rule.Check(await EncryptAsync(TestKeys.Attacker), isWholeBody: true), Does.Contain("encrypted to key ids"));
    }

    [Test]
    public async Task Check_MessageToRecipientsPlusAnotherKey_IsRefused()
    {
        var rule = new OpenPgpMessageRule(TestKeys.Recipients(TestKeys.Receiver), []);

        Assert.That(rule.Check(await EncryptAsync(TestKeys.Receiver, TestKeys.Attacker), isWholeBody: true), Does.Contain("encrypted to key ids"));
    }

    [Test]
    public async Task Check_MessageToOnlySomeRecipients_IsRefused()
    {
        var rule = new OpenPgpMessageRule(TestKeys.Recipients(TestKeys.Receiver, TestKeys.SecondReceiver), []);

        Assert.That(rule.Check(await EncryptAsync(TestKeys.Receiver), isWholeBody: true), Does.Contain("encrypted to key ids"));
    }

    [Test]
    public async Task Check_RecipientsDifferFromPins_IsRefusedEvenForAGoodMessage()
    {
        var rule = new OpenPgpMessageRule(TestKeys.Recipients(TestKeys.Attacker), [TestKeys.Receiver.Fingerprint]);

        var reason = rule.Check(await EncryptAsync(TestKeys.Attacker), isWholeBody: true);

        Assert.That(reason, Does.Contain("do not match the pinned fingerprints").And.Contain(TestKeys.Receiver.Fingerprint));
    }

    [Test]
    public async Task Check_PinsWrittenWithSpacesAndLowerCase_Match()
    {
        var pin = string.Join(' ', TestKeys.Receiver.Fingerprint.ToLowerInvariant().Chunk(4).Select(c => new string(c)));
        var rule = new OpenPgpMessageRule(TestKeys.Recipients(TestKeys.Receiver), [pin]);

        Assert.That(rule.Check(await EncryptAsync(TestKeys.Receiver), isWholeBody: true), Is.Null);
    }

    [Test]
    public void Check_MessageWithoutIntegrityProtection_IsRefused()
    {
        var rule = new OpenPgpMessageRule(TestKeys.Recipients(TestKeys.Receiver), []);
        var generator = new PgpEncryptedDataGenerator(SymmetricKeyAlgorithmTag.Aes256, withIntegrityPacket: false, new SecureRandom());
        generator.AddMethod(TestKeys.Recipients(TestKeys.Receiver)[0].EncryptionKey);

        Assert.That(rule.Check(Write(generator), isWholeBody: true), Does.Contain("no integrity protection"));
    }

    [Test]
    public void Check_PassphraseOnlyMessage_IsRefused()
    {
        var rule = new OpenPgpMessageRule(TestKeys.Recipients(TestKeys.Receiver), []);
        var generator = new PgpEncryptedDataGenerator(SymmetricKeyAlgorithmTag.Aes256, withIntegrityPacket: true, new SecureRandom());
        generator.AddMethod("secret".ToCharArray(), HashAlgorithmTag.Sha256);

        Assert.That(rule.Check(Write(generator), isWholeBody: true), Does.Contain("passphrase"));
    }

    [Test]
    public void Check_UnencryptedLiteralMessage_IsRefused()
    {
        var rule = new OpenPgpMessageRule(TestKeys.Recipients(TestKeys.Receiver), []);
        using var buffer = new MemoryStream();
        using (var literal = new PgpLiteralDataGenerator().Open(buffer, PgpLiteralData.Binary, "a.csv", 3, DateTime.UtcNow))
        {
            literal.Write("a,b"u8);
        }

        Assert.That(rule.Check(buffer.ToArray(), isWholeBody: true), Does.Contain("unencrypted"));
    }

    [Test]
    public async Task Check_TruncatedSessionKeyPacket_IsRefused()
    {
        var rule = new OpenPgpMessageRule(TestKeys.Recipients(TestKeys.Receiver), []);
        var message = await EncryptAsync(TestKeys.Receiver);

        Assert.That(rule.Check(message.AsSpan(0, 40), isWholeBody: true), Does.Contain("truncated").Or.Contain("incomplete"));
    }

    [Test]
    public async Task Check_WildcardRecipientKeyId_IsRefused()
    {
        var rule = new OpenPgpMessageRule(TestKeys.Recipients(TestKeys.Receiver), []);
        var message = await EncryptAsync(TestKeys.Receiver);
        message.AsSpan(4, 8).Clear(); // old-format header of 3 bytes, version byte, then the 8-byte key id

        Assert.That(rule.Check(message, isWholeBody: true), Does.Contain("0000000000000000"));
    }

    internal static Task<byte[]> EncryptAsync(params OpenPgpGeneratedKey[] keys) => EncryptAsync(TestKeys.Recipients(keys));

    private static async Task<byte[]> EncryptAsync(IReadOnlyList<OpenPgpRecipient> recipients)
    {
        var encryptor = new OpenPgpEncryptor(recipients, OpenPgpCompression.Zlib);
        using var output = new MemoryStream();
        await encryptor.EncryptAsync(new MemoryStream("order_id,amount\n1,2\n"u8.ToArray()), output, new EncryptionContext("s", "a.csv"));
        return output.ToArray();
    }

    private static byte[] Write(PgpEncryptedDataGenerator generator)
    {
        using var buffer = new MemoryStream();
        using (var encrypted = generator.Open(buffer, new byte[1024]))
        {
            encrypted.Write("plaintext"u8);
        }

        return buffer.ToArray();
    }
}
