namespace TbScreen.Inference.Lungs;

/// <summary>A Height x Width binary mask, row-major; true = lung.</summary>
public sealed class BinaryMask
{
    public BinaryMask(int width, int height, bool[] pixels)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(width, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(height, 1);
        ArgumentNullException.ThrowIfNull(pixels);
        if (pixels.Length != (long)width * height)
        {
            throw new ArgumentException($"A {width}x{height} mask needs {(long)width * height} pixels, got {pixels.Length}.", nameof(pixels));
        }

        Width = width;
        Height = height;
        Pixels = pixels;
    }

    public int Width { get; }

    public int Height { get; }

    public bool[] Pixels { get; }

    public bool this[int row, int column] => Pixels[(row * Width) + column];

    public int Area => Pixels.Count(p => p);

    /// <summary>0 / 255 bytes, as the masks are stored on disk and written by `tbscreen segment`.</summary>
    public byte[] ToBytes() => Pixels.Select(p => p ? (byte)255 : (byte)0).ToArray();

    /// <summary>True where a grey value is at least <paramref name="threshold"/> (e.g. a [0,1] mask read back from PNG).</summary>
    public static BinaryMask FromValues(int width, int height, IReadOnlyList<float> values, float threshold = 0.5f)
    {
        ArgumentNullException.ThrowIfNull(values);
        var pixels = new bool[values.Count];
        for (int i = 0; i < pixels.Length; i++)
        {
            pixels[i] = values[i] >= threshold;
        }

        return new BinaryMask(width, height, pixels);
    }
}
