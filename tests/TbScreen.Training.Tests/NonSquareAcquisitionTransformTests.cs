using TbScreen.Training.Augmentation;

namespace TbScreen.Training.Tests;

/// <summary>
/// The width x height overloads that the lung stress test uses on films of any shape: each must treat the two axes
/// alike, so transposing the input transposes the output. The square overloads delegate to them.
/// </summary>
public sealed class NonSquareAcquisitionTransformTests
{
    private const int Width = 23, Height = 14;

    private static float[] Pattern(int width, int height) =>
        Enumerable.Range(0, width * height).Select(i => (float)((Math.Sin(i % width * 0.7) * Math.Cos(i / width * 0.45) + 1) / 2)).ToArray();

    private static float[] Transpose(float[] plane, int width, int height)
    {
        var result = new float[plane.Length];
        for (int y = 0; y < height; y++)
        {
            for (int x = 0; x < width; x++)
            {
                result[x * height + y] = plane[y * width + x];
            }
        }

        return result;
    }

    [Fact]
    public void Blur_treats_both_axes_alike()
    {
        float[] x = Pattern(Width, Height);
        float[] blurred = AcquisitionTransforms.Blur(x, Width, Height, 1.3);
        float[] viaTranspose = Transpose(AcquisitionTransforms.Blur(Transpose(x, Width, Height), Height, Width, 1.3), Height, Width);

        Assert.Equal(blurred.Length, viaTranspose.Length);
        for (int i = 0; i < blurred.Length; i++)
        {
            Assert.InRange(blurred[i] - viaTranspose[i], -1e-5f, 1e-5f);
        }

        Assert.False(blurred.SequenceEqual(x));
    }

    [Fact]
    public void DownUp_treats_both_axes_alike_and_keeps_a_flat_plane_flat()
    {
        float[] x = Pattern(Width, Height);
        float[] result = AcquisitionTransforms.DownUp(x, Width, Height, 0.4);
        float[] viaTranspose = Transpose(AcquisitionTransforms.DownUp(Transpose(x, Width, Height), Height, Width, 0.4), Height, Width);
        for (int i = 0; i < result.Length; i++)
        {
            Assert.InRange(result[i] - viaTranspose[i], -1e-5f, 1e-5f);
        }

        Assert.All(AcquisitionTransforms.DownUp(Enumerable.Repeat(0.3f, Width * Height).ToArray(), Width, Height, 0.4), v => Assert.InRange(v, 0.29999f, 0.30001f));
    }

    [Fact]
    public void Jpeg_keeps_a_non_square_plane_in_place()
    {
        // A left-to-right ramp: a transposed or mis-strided decode would put the dark end elsewhere.
        float[] ramp = Enumerable.Range(0, Width * Height).Select(i => (float)(i % Width) / (Width - 1)).ToArray();
        float[] result = AcquisitionTransforms.Jpeg(ramp, Width, Height, 90);
        Assert.Equal(ramp.Length, result.Length);
        Assert.True(ramp.Zip(result, (a, b) => Math.Abs(a - b)).Average() < 0.02);
    }

    [Fact]
    public void Text_on_a_non_square_plane_is_clipped_at_its_own_edges()
    {
        var plane = new float[Width * Height];
        BurnedInText.Draw(plane, Width, Height, "L", Width - 3, Height - 4, 1, 1f);

        // "L" is a left column of 7 dots and a bottom row of 5: only the column's top 4 dots fall inside the plane.
        Assert.Equal(4, plane.Count(v => v == 1f));
        Assert.Equal(1f, plane[(Height - 1) * Width + Width - 3]);
    }
}
