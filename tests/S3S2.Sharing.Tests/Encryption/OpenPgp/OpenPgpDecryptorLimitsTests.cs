using System.Text;
using S3S2.Sharing.Encryption.OpenPgp;
using S3S2.Sharing.Receiving;
using S3S2.Sharing.Tests.Infrastructure;
using S3S2.Sharing.Tests.Receiving;
using static S3S2.Sharing.Tests.Encryption.OpenPgp.CraftedMessages;

namespace S3S2.Sharing.Tests.Encryption.OpenPgp;

/// <summary>
/// Messages come from a bucket others can write to, and anyone can encrypt to the receiver's public key: a message
/// must not make the receiver keep packets, try keys or read (and decompress) what it discards without bound. Each
/// limit is tested at its edge: one packet more is refused with a message naming the limit, the limit itself is not.
/// </summary>
[TestFixture]
public sealed class OpenPgpDecryptorLimitsTests
{
    private const int TagPublicKeySessionKey = 1;
    private const int TagSignature = 2;
    private const int TagOnePassSignature = 4;
    private const int TagMarker = 10;
    private const int TagLiteral = 11;
    private static readonly byte[] Content = Encoding.UTF8.GetBytes("id,amount\n1,2.50\n");

    [TestCase(OpenPgpDecryptor.MaxSessionKeyPackets, false)]
    [TestCase(OpenPgpDecryptor.MaxSessionKeyPackets + 1, true)]
    public async Task DecryptAsync_ManySessionKeyPackets_RefusedPastTheLimit(int count, bool refused)
    {
        var message = Enumerable.Range(1, count).SelectMany(i => SessionKeyPacket(keyId: i)).ToArray();

        var error = await Assert.ThrowsAsync<IntegrityException>(() => DecryptAsync(message));

        Assert.That(error!.Message, refused
            ? Does.Contain($"more than {OpenPgpDecryptor.MaxSessionKeyPackets} session key packets")
            : Does.Contain("ends before its encrypted data"));
    }

    /// <summary>Each hidden recipient's packet costs a private-key operation per configured key: the refusal comes first.</summary>
    [TestCase(OpenPgpDecryptor.MaxHiddenRecipients, false)]
    [TestCase(OpenPgpDecryptor.MaxHiddenRecipients + 1, true)]
    public async Task DecryptAsync_ManyHiddenRecipients_RefusedBeforeAnyKeyIsTried(int count, bool refused)
    {
        var message = Enumerable.Range(1, count).SelectMany(_ => SessionKeyPacket(keyId: 0)).ToArray();

        var error = await Assert.ThrowsAsync<IntegrityException>(() => DecryptAsync(message));

        Assert.That(error!.Message, refused
            ? Does.Contain($"more than {OpenPgpDecryptor.MaxHiddenRecipients} session key packets for hidden recipients")
            : Does.Contain("ends before its encrypted data"));
    }

    [TestCase(OpenPgpDecryptor.MaxOtherPackets, false)]
    [TestCase(OpenPgpDecryptor.MaxOtherPackets + 1, true)]
    public async Task DecryptAsync_ManyMarkersBeforeTheEncryptedData_RefusedPastTheLimit(int count, bool refused)
    {
        var message = Enumerable.Range(1, count).SelectMany(_ => Packet(TagMarker, "PGP"u8.ToArray())).ToArray();

        var error = await Assert.ThrowsAsync<IntegrityException>(() => DecryptAsync(message));

        Assert.That(error!.Message, refused
            ? Does.Contain($"more than {OpenPgpDecryptor.MaxOtherPackets} packets besides")
            : Does.Contain("ends before its encrypted data"));
    }

    /// <summary>Signature packets after the literal data, collected (a manifest's) or skipped (a file's).</summary>
    [TestCase(OpenPgpDecryptor.MaxOtherPackets, true, false)]
    [TestCase(OpenPgpDecryptor.MaxOtherPackets + 1, true, true)]
    [TestCase(OpenPgpDecryptor.MaxOtherPackets, false, false)]
    [TestCase(OpenPgpDecryptor.MaxOtherPackets + 1, false, true)]
    public async Task DecryptAsync_ManySignaturePacketsInsideTheEncryptedData_RefusedPastTheLimit(int count, bool collected, bool refused)
    {
        var inner = Packet(TagLiteral, LiteralBody(Content)).Concat(Enumerable.Range(1, count).SelectMany(_ => Packet(TagSignature, new byte[300]))).ToArray();
        var signatures = collected ? new List<byte[]>() : null;
        using var plaintext = new MemoryStream();

        var decrypting = DecryptAsync(Encrypted(inner), plaintext, signatures);

        if (refused)
        {
            var error = await Assert.ThrowsAsync<IntegrityException>(() => decrypting);
            Assert.That(error!.Message, Does.Contain($"more than {OpenPgpDecryptor.MaxOtherPackets} packets besides"));
        }
        else
        {
            await decrypting;
            Assert.That(plaintext.ToArray(), Is.EqualTo(Content));
            if (collected)
            {
                Assert.That(signatures!, Has.Count.EqualTo(count));
            }
        }
    }

    /// <summary>
    /// A packet the decoder would skip may not be long or of no stated length: an old-format marker of indeterminate
    /// length would otherwise make it read (and decompress) to the end of whatever follows.
    /// </summary>
    [TestCase(TagMarker)]
    [TestCase(TagOnePassSignature)]
    [TestCase(TagSignature)]
    public async Task DecryptAsync_SkippedPacketOfNoStatedLength_Refused(int tag)
    {
        // Old format (RFC 4880 section 4.2.1): 0x80 | tag << 2 | 3, length type 3, indeterminate.
        var inner = Packet(TagLiteral, LiteralBody(Content)).Concat(new[] { (byte)(0x80 | (tag << 2) | 3) }).Concat(new byte[100_000]).ToArray();

        var error = await Assert.ThrowsAsync<IntegrityException>(() => DecryptAsync(Encrypted(inner)));

        Assert.That(error!.Message, Does.Contain($"packet of tag {tag}").And.Contain("of no stated length"));
    }

    [Test]
    public async Task DecryptAsync_SkippedPacketLongerThanAnySignature_Refused()
    {
        var inner = Packet(TagLiteral, LiteralBody(Content)).Concat(Packet(TagMarker, new byte[20_000])).ToArray();

        var error = await Assert.ThrowsAsync<IntegrityException>(() => DecryptAsync(Encrypted(inner)));

        Assert.That(error!.Message, Does.Contain($"packet of tag {TagMarker} that is longer than"));
    }

    /// <summary>BouncyCastle keeps every armor header line it parses: the blank line that ends them must come within 16 KiB.</summary>
    [TestCase(100, false)]
    [TestCase(1000, true)]
    public async Task DecryptAsync_ArmorHeaders_RefusedWhenTheyDoNotEndWithin16KiB(int headerLines, bool refused)
    {
        var message = Encrypted(Packet(TagLiteral, LiteralBody(Content)).ToArray());
        var armor = new StringBuilder("-----BEGIN PGP MESSAGE-----\n");
        for (var i = 0; i < headerLines; i++)
        {
            armor.Append("Comment: ").Append('x', 20).Append('\n');
        }

        armor.Append('\n').Append(Convert.ToBase64String(message, Base64FormattingOptions.InsertLineBreaks)).Append("\n-----END PGP MESSAGE-----\n");
        using var plaintext = new MemoryStream();

        var decrypting = DecryptAsync(Encoding.ASCII.GetBytes(armor.ToString()), plaintext);

        if (refused)
        {
            var error = await Assert.ThrowsAsync<IntegrityException>(() => decrypting);
            Assert.That(error!.Message, Does.Contain("armor headers do not end"));
        }
        else
        {
            await decrypting;
            Assert.That(plaintext.ToArray(), Is.EqualTo(Content));
        }
    }

    /// <summary>
    /// The compressed packet's bytes after its deflate stream ends are read and discarded: padded there, an object would
    /// keep the receiver downloading and decrypting. The download stops past what a message of the listed size can take.
    /// </summary>
    [TestCase(64 * 1024, false)]
    [TestCase(4 * 1024 * 1024, true)]
    public async Task ReceiveShareAsync_ObjectPaddedInsideItsCompressedPacket_RefusedOncePastWhatItsSizeAllows(int padding, bool refused)
    {
        using var bed = ReceiveTestBed.OnLocalFolder();
        var receipt = await bed.Sharer().ShareStreamAsync(new MemoryStream(Content), "orders.csv");
        using var compressed = new MemoryStream();
        using (var packet = new PartialLengthWriteStream(compressed, 8, 1024))
        {
            packet.WriteByte(1);
            using (var deflate = new System.IO.Compression.DeflateStream(packet, System.IO.Compression.CompressionLevel.Optimal, leaveOpen: true))
            {
                deflate.Write(Packet(TagLiteral, LiteralBody(Content)));
            }

            packet.Write(new byte[padding]);
            packet.Complete();
        }

        await bed.WriteObjectAsync(receipt.Files[0].Key, Encrypted(compressed.ToArray()));

        var result = await bed.Receiver().ReceiveShareAsync(receipt.ShareId, bed.Output.Path);

        if (refused)
        {
            Assert.That(result.Status, Is.EqualTo(ReceiveStatus.IntegrityFailed));
            Assert.That(result.Files.Single().Error, Does.Contain("runs past").And.Contain("orders.csv"));
            Assert.That(bed.OutputFiles(), Is.Empty);
        }
        else
        {
            Assert.That(result.Status, Is.EqualTo(ReceiveStatus.Received), result.Files.Single().Error);
        }
    }

    private static Task DecryptAsync(byte[] message, Stream? plaintext = null, List<byte[]>? signatures = null) =>
        new OpenPgpDecryptor(new OpenPgpSecretKeys([OpenPgpKeySource.FromArmoredString(TestKeys.Receiver.SecretKeyArmored)], null))
            .DecryptAsync(new NonSeekableStream(message), plaintext ?? Stream.Null, new DecryptionMessage("crafted message", null) { Signatures = signatures }, CancellationToken.None);

    private static byte[] Encrypted(byte[] inner) => CraftedMessages.Encrypted(TestKeys.Recipients(TestKeys.Receiver)[0].EncryptionKey, inner);

    /// <summary>A version 3 session key packet (RFC 4880 section 5.1) for RSA with a one-byte value: parsed, never decrypted here.</summary>
    private static byte[] SessionKeyPacket(long keyId)
    {
        var body = new byte[13];
        body[0] = 3;
        System.Buffers.Binary.BinaryPrimitives.WriteInt64BigEndian(body.AsSpan(1), keyId);
        body[9] = 1;
        body[10] = 0;
        body[11] = 8;
        body[12] = 0xFF;
        return Packet(TagPublicKeySessionKey, body);
    }
}
