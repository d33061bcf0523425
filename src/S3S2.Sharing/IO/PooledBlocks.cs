namespace S3S2.Sharing.IO;

/// <summary>
/// The step the block-wise writers share (the share's hand-off, the background hash, the parallel deflate): copy as
/// much of the data as the block still has room for, and say when the block is full and must be handed over.
/// </summary>
internal static class PooledBlocks
{
    /// <summary>
    /// Copies the start of <paramref name="data"/> into <paramref name="block"/> after its first <paramref name="filled"/>
    /// bytes, up to <paramref name="blockSize"/>; <paramref name="data"/> becomes the rest.
    /// </summary>
    /// <returns>Whether the block now holds <paramref name="blockSize"/> bytes.</returns>
    public static bool Fill(byte[] block, int blockSize, ref int filled, ref ReadOnlySpan<byte> data)
    {
        var take = Math.Min(data.Length, blockSize - filled);
        data[..take].CopyTo(block.AsSpan(filled));
        filled += take;
        data = data[take..];
        return filled == blockSize;
    }
}
