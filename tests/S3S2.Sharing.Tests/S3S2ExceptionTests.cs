using S3S2.Sharing.Encryption;
using S3S2.Sharing.Policy;
using S3S2.Sharing.Profiles;
using S3S2.Sharing.Receiving;
using S3S2.Sharing.Storage;

namespace S3S2.Sharing.Tests;

[TestFixture]
public sealed class S3S2ExceptionTests
{
    /// <summary>
    /// Exceptions of the library that deliberately keep a .NET base: a missing object is an <see cref="IOException"/>
    /// (like <see cref="FileNotFoundException"/>), which the receive path and its callers catch as such; a receive
    /// callback's own exception is carried through the pipeline and rethrown as the caller threw it.
    /// </summary>
    private static readonly string[] KeepTheirNetBase = ["S3S2.Sharing.Storage.ObjectNotFoundException", "S3S2.Sharing.Receiving.ReceiveCallbackFailedException"];

    [Test]
    public void LibraryExceptions_EveryOne_DerivesFromS3S2Exception()
    {
        var exceptions = typeof(S3S2Exception).Assembly.GetTypes()
            .Where(t => typeof(Exception).IsAssignableFrom(t) && t != typeof(S3S2Exception))

            // Private carriers that take an error through a reader and are unwrapped before anything leaves the class.
            .Where(t => !t.IsNestedPrivate)
            .ToList();

        Assert.That(exceptions, Is.Not.Empty);
        Assert.That(
            exceptions.Where(t => !typeof(S3S2Exception).IsAssignableFrom(t)).Select(t => t.FullName),
            Is.EquivalentTo(KeepTheirNetBase),
            "every exception of the library derives from S3S2Exception unless listed here with the reason");
    }

    [TestCase(typeof(ShareFailedException), "S3S2.Sharing")]
    [TestCase(typeof(SharePolicyException), "S3S2.Sharing.Policy")]
    [TestCase(typeof(EncryptionKeyException), "S3S2.Sharing.Encryption")]
    [TestCase(typeof(ShareProfileException), "S3S2.Sharing.Profiles")]
    [TestCase(typeof(IntegrityException), "S3S2.Sharing.Receiving")]
    [TestCase(typeof(global::S3S2.Sharing.Signing.SignerRefusedException), "S3S2.Sharing.Signing")]
    public void PublicException_CaughtAsS3S2Exception_KeepsItsNamespaceMessageAndCause(Type type, string expectedNamespace)
    {
        var cause = new InvalidOperationException("the cause");
        var thrown = (Exception)Activator.CreateInstance(type, "what failed and the fix", cause)!;

        var caught = Assert.Throws(Is.InstanceOf<S3S2Exception>(), () => throw thrown);

        Assert.That(type.Namespace, Is.EqualTo(expectedNamespace));
        Assert.That(caught!.Message, Is.EqualTo("what failed and the fix"));
        Assert.That(caught.InnerException, Is.SameAs(cause));
    }
}
