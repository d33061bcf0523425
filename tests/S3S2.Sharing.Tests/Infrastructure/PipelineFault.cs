namespace S3S2.Sharing.Tests.Infrastructure;

/// <summary>What <see cref="FaultInjectingHandler"/> does to one request.</summary>
public enum PipelineFault
{
    /// <summary>503 with S3's SlowDown error body.</summary>
    SlowDown,

    /// <summary>500 with S3's InternalError body.</summary>
    InternalError,

    /// <summary>The connection is reset before a response arrives.</summary>
    ConnectionReset,

    /// <summary>The request goes through after a delay of two seconds.</summary>
    Slow,
}
