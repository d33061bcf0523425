namespace S3S2.Sharing.Tests.Infrastructure;

/// <summary>What <see cref="FaultProxy"/> does to a request.</summary>
public enum WireFault
{
    /// <summary>503 SlowDown with an S3 XML error body.</summary>
    ServiceUnavailable,

    /// <summary>500 InternalError with an S3 XML error body.</summary>
    InternalError,

    /// <summary>The connection is reset (RST) before any answer.</summary>
    Reset,

    /// <summary>The headers and half the body are sent, then the connection is closed.</summary>
    CutBody,

    /// <summary>The headers and half the body are sent, then nothing more (the connection stays open).</summary>
    StallBody,
}
