namespace S3S2.Sharing.Receiving;

/// <summary>
/// A share or file exceeds one of the receiver's limits (<see cref="ReceiveClientOptions.MaxFileBytes"/> and the others,
/// or the free disk space). Reported as <see cref="ReceiveStatus.Refused"/>; the message names the limit and how to raise it.
/// </summary>
internal sealed class ReceiveLimitException(string message) : S3S2Exception(message);
