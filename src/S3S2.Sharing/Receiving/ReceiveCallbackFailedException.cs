namespace S3S2.Sharing.Receiving;

/// <summary>
/// Carries an exception thrown by the caller's receive callback through the pipeline untouched: it is the caller's own
/// error, not a receive failure to classify, and leaves <c>ReceiveShareAsync</c> as the original exception.
/// </summary>
internal sealed class ReceiveCallbackFailedException(Exception inner) : Exception(inner.Message, inner);
