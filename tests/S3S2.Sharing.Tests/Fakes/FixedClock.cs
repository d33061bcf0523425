namespace S3S2.Sharing.Tests;

/// <summary>A clock the test sets, to see what happens once a key has expired.</summary>
internal sealed class FixedClock(DateTimeOffset now) : TimeProvider
{
    public DateTimeOffset Now { get; set; } = now;

    public override DateTimeOffset GetUtcNow() => Now;
}
