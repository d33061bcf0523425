namespace S3S2.Sharing.Encryption.OpenPgp;

/// <summary>
/// A message's bytes break the format or fail a check, raised deep in the reader where the message's name is not
/// known; <see cref="OpenPgpDecryptor"/> turns it into an <see cref="Receiving.IntegrityException"/> naming the message.
/// </summary>
/// <param name="problem">Completes the sentence "The message …", for example "failed the integrity check".</param>
internal sealed class MalformedMessageException(string problem) : S3S2Exception(problem);
