namespace S3S2.Sharing.Diagnostics;

/// <summary>
/// Text that a message or manifest carries (the sender's, or anyone's who can write to the bucket) as it may appear in
/// an error, a log line or a marker file: control characters escaped and at most <see cref="MaxLength"/> characters, so
/// that it can neither forge log lines nor flood a message.
/// </summary>
internal static class UntrustedText
{
    public const int MaxLength = 200;

    public static string Printable(string? value) =>
        value is null ? "null" : string.Concat(value.Take(MaxLength).Select(c => char.IsControl(c) ? $"\\u{(int)c:x4}" : c.ToString()));
}
