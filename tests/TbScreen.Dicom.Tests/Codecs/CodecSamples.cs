using TbScreen.Dicom.Codecs;

namespace TbScreen.Dicom.Tests.Codecs;

/// <summary>Seeded synthetic frames and the masking the DICOM layer applies after decoding.</summary>
internal static class CodecSamples
{
    public static FrameInfo Gray(int rows, int cols, int bits, bool signed) =>
        new(rows, cols, 1, bits <= 8 ? 8 : 16, bits, signed, 0, "MONOCHROME2");

    /// <summary>A smooth ramp plus noise (so codecs have real work) with the range extremes planted.</summary>
    public static int[] Synthetic(FrameInfo info, int seed)
    {
        var random = new Random(seed);
        int bits = info.BitsStored;
        int min = info.IsSigned ? -(1 << (bits - 1)) : 0;
        int max = info.IsSigned ? (1 << (bits - 1)) - 1 : (1 << bits) - 1;
        double span = (double)max - min;
        var samples = new int[info.SampleCount];
        int spp = info.SamplesPerPixel;
        for (int y = 0; y < info.Rows; y++)
        {
            for (int x = 0; x < info.Columns; x++)
            {
                for (int c = 0; c < spp; c++)
                {
                    double smooth = 0.5 + 0.35 * Math.Sin((x + 7 * c) / 17.0) * Math.Cos(y / 11.0);
                    double v = min + span * smooth + random.Next(-(int)(span / 64) - 1, (int)(span / 64) + 2);
                    samples[((long)y * info.Columns + x) * spp + c] = (int)Math.Clamp(Math.Round(v), min, max);
                }
            }
        }

        samples[0] = min;
        samples[^1] = max;
        samples[samples.Length / 2] = max;
        return samples;
    }

    /// <summary>What the DICOM layer does with codec output: mask to Bits Stored, sign-extend.</summary>
    public static int[] Stored(int[] decoded, int bits, bool signed)
    {
        int mask = bits == 32 ? -1 : (1 << bits) - 1;
        int shift = 32 - bits;
        var result = new int[decoded.Length];
        for (int i = 0; i < decoded.Length; i++)
        {
            int v = decoded[i] & mask;
            result[i] = signed ? (v << shift) >> shift : v;
        }

        return result;
    }

    /// <summary>Asserts equality and reports the first differing index rather than dumping arrays.</summary>
    public static void Equal(int[] expected, int[] actual)
    {
        Assert.Equal(expected.Length, actual.Length);
        int at = expected.AsSpan().SequenceEqual(actual) ? -1 : Enumerable.Range(0, expected.Length).First(i => expected[i] != actual[i]);
        Assert.True(at < 0, at < 0 ? null : $"first difference at {at}: expected {expected[at]}, got {actual[at]}");
    }
}
