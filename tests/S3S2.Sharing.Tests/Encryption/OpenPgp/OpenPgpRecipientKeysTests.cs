using Org.BouncyCastle.Bcpg.OpenPgp;
using S3S2.Sharing.Encryption;
using S3S2.Sharing.Encryption.OpenPgp;
using S3S2.Sharing.Tests.Infrastructure;
using Subkey = S3S2.Sharing.Tests.Infrastructure.TestKeyRings.Subkey;

namespace S3S2.Sharing.Tests.Encryption.OpenPgp;

[TestFixture]
public sealed class OpenPgpRecipientKeysTests
{
    private const int SignOnly = PgpKeyFlags.CanCertify | PgpKeyFlags.CanSign;
    private static readonly DateTime Now = DateTime.UtcNow;

    [Test]
    public void Load_SeveralEncryptionSubkeys_ChoosesTheNewest()
    {
        var (armored, _, subkeys) = TestKeyRings.Build(SignOnly, null, null, false,
            new Subkey(Now.AddDays(-20)), new Subkey(Now.AddDays(-2)), new Subkey(Now.AddDays(-10)));

        var recipient = Load(armored).Single();

        Assert.That(recipient.EncryptionKey.KeyId, Is.EqualTo(subkeys[1]));
    }

    [Test]
    public void Load_NewestSubkeyExpired_ChoosesTheNewestValidOne()
    {
        var (armored, _, subkeys) = TestKeyRings.Build(SignOnly, null, null, false,
            new Subkey(Now.AddDays(-20)), new Subkey(Now.AddDays(-2), Lifetime: TimeSpan.FromDays(1)));

        Assert.That(Load(armored).Single().EncryptionKey.KeyId, Is.EqualTo(subkeys[0]));
    }

    [Test]
    public void Load_NewestSubkeyRevoked_ChoosesTheNewestValidOne()
    {
        var (armored, _, subkeys) = TestKeyRings.Build(SignOnly, null, null, false,
            new Subkey(Now.AddDays(-20)), new Subkey(Now.AddDays(-2), Revoked: true));

        Assert.That(Load(armored).Single().EncryptionKey.KeyId, Is.EqualTo(subkeys[0]));
    }

    [Test]
    public void Load_SubkeyBoundByAnotherKey_IsNeverChosen()
    {
        var (armored, _, subkeys) = TestKeyRings.Build(SignOnly, null, null, false,
            new Subkey(Now.AddDays(-20)), new Subkey(Now.AddDays(-2), Unbound: true));

        Assert.That(Load(armored).Single().EncryptionKey.KeyId, Is.EqualTo(subkeys[0]));
    }

    [Test]
    public void Load_SignOnlySubkeyAndSignOnlyPrimary_ThrowsNamingTheKey()
    {
        var (armored, _, _) = TestKeyRings.Build(SignOnly, null, null, false, new Subkey(Now.AddDays(-2), Flags: PgpKeyFlags.CanSign));

        var error = Assert.Throws<EncryptionKeyException>(() => Load(armored));

        Assert.That(error!.Message, Does.Contain("has no valid encryption key").And.Contain("Test <test@s3s2.test>"));
    }

    [Test]
    public void Load_AllSubkeysExpired_Throws()
    {
        var (armored, _, _) = TestKeyRings.Build(SignOnly, null, null, false, new Subkey(Now.AddDays(-20), Lifetime: TimeSpan.FromDays(5)));

        Assert.Throws<EncryptionKeyException>(() => Load(armored));
    }

    [Test]
    public void Load_NoSubkeyAndPrimaryMayEncrypt_ChoosesThePrimary()
    {
        var (armored, primary, _) = TestKeyRings.Build(PgpKeyFlags.CanCertify | PgpKeyFlags.CanEncryptStorage | PgpKeyFlags.CanEncryptCommunications);

        Assert.That(Load(armored).Single().EncryptionKey.KeyId, Is.EqualTo(primary));
    }

    [Test]
    public void Load_UnverifiedSelfSignatureClaimsEncryption_SignOnlyPrimaryStillRefused()
    {
        var armored = TestKeyRings.BuildWithForgedSelfSignature(SignOnly, PgpKeyFlags.CanCertify | PgpKeyFlags.CanEncryptStorage | PgpKeyFlags.CanEncryptCommunications);

        var error = Assert.Throws<EncryptionKeyException>(() => Load(armored));

        Assert.That(error!.Message, Does.Contain("has no valid encryption key"));
    }

    [Test]
    public void Load_UnverifiedSelfSignatureRemovesEncryption_PrimaryStillChosen()
    {
        var armored = TestKeyRings.BuildWithForgedSelfSignature(PgpKeyFlags.CanCertify | PgpKeyFlags.CanEncryptStorage | PgpKeyFlags.CanEncryptCommunications, SignOnly);

        var recipient = Load(armored).Single();

        Assert.That(recipient.EncryptionKey.IsMasterKey, Is.True);
    }

    [Test]
    public void Load_ExpiredPrimary_ThrowsWithTheExpiryDate()
    {
        var (armored, _, _) = TestKeyRings.Build(SignOnly, Now.AddDays(-30), TimeSpan.FromDays(10), false, new Subkey(Now.AddDays(-29)));

        var error = Assert.Throws<EncryptionKeyException>(() => Load(armored));

        Assert.That(error!.Message, Does.Contain("expired on " + Now.AddDays(-20).ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture)));
    }

    [Test]
    public void Load_RevokedPrimary_Throws()
    {
        var (armored, _, _) = TestKeyRings.Build(SignOnly, null, null, primaryRevoked: true, new Subkey(Now.AddDays(-2)));

        var error = Assert.Throws<EncryptionKeyException>(() => Load(armored));

        Assert.That(error!.Message, Does.Contain("is revoked"));
    }

    [Test]
    public void Load_SecretKey_IsRefusedAsNotForPartners()
    {
        var error = Assert.Throws<EncryptionKeyException>(() => Load(TestKeys.Receiver.SecretKeyArmored));

        Assert.That(error!.Message, Does.Contain("holds a secret key").And.Contain("public key"));
        Assert.That(error.Message, Does.Not.Contain("PRIVATE KEY BLOCK"), "no key material in errors");
    }

    [Test]
    public void Load_Garbage_ThrowsNamingTheSource()
    {
        var error = Assert.Throws<EncryptionKeyException>(() =>
            OpenPgpRecipientKeys.Load([OpenPgpKeySource.FromBytes("not a key at all"u8)], Now));

        Assert.That(error!.Message, Does.Contain("key bytes"));
    }

    [Test]
    public void Load_MissingFile_ThrowsNamingThePath()
    {
        var error = Assert.Throws<EncryptionKeyException>(() =>
            OpenPgpRecipientKeys.Load([OpenPgpKeySource.FromFile("/nonexistent/receiver.pub.asc")], Now));

        Assert.That(error!.Message, Does.Contain("/nonexistent/receiver.pub.asc"));
    }

    [Test]
    public void Load_FileWithTwoPublicKeys_MakesTwoRecipients()
    {
        using var bundle = new MemoryStream();
        foreach (var key in new[] { TestKeys.Receiver, TestKeys.SecondReceiver })
        {
            using var decoder = PgpUtilities.GetDecoderStream(new MemoryStream(System.Text.Encoding.ASCII.GetBytes(key.PublicKeyArmored)));
            new PgpPublicKeyRing(decoder).Encode(bundle);
        }

        var recipients = OpenPgpRecipientKeys.Load([OpenPgpKeySource.FromBytes(bundle.ToArray())], Now);

        Assert.That(recipients.Select(r => r.Fingerprint), Is.EqualTo(new[] { TestKeys.Receiver.Fingerprint, TestKeys.SecondReceiver.Fingerprint }));
    }

    private static IReadOnlyList<OpenPgpRecipient> Load(string armored) =>
        OpenPgpRecipientKeys.Load([OpenPgpKeySource.FromArmoredString(armored)], Now);
}
