namespace TbScreen.Imaging;

/// <summary>Limits checked before any pixel is decoded, so a hostile upload cannot exhaust memory.</summary>
public sealed record RasterLoadOptions
{
    public int MaxSide { get; init; } = 16384;

    public long MaxPixels { get; init; } = 100_000_000;

    /// <summary>Largest encoded file accepted; non-seekable streams are buffered up to this size.</summary>
    public long MaxEncodedBytes { get; init; } = 256L * 1024 * 1024;

    public static RasterLoadOptions Default { get; } = new();
}
