namespace S3S2.Sharing.Tests.Infrastructure;

/// <summary>Every failed share throws <see cref="ShareFailedException"/>; tests assert on its cause.</summary>
internal static class ShareFailures
{
    /// <summary>Asserts that the share fails with a cause of type <typeparamref name="T"/> and returns that cause.</summary>
    public static async Task<T> InnerAsync<T>(Func<Task> share)
        where T : Exception
    {
        var failed = await Assert.ThrowsAsync<ShareFailedException>(async () => await share());
        Assert.That(failed!.ShareId, Is.Not.Empty);
        Assert.That(failed.InnerException, Is.TypeOf<T>());
        Assert.That(failed.Message, Does.Contain(failed.ShareId).And.Contain(failed.InnerException!.Message));
        return (T)failed.InnerException!;
    }
}
