using TbScreen.Dicom.Codecs;

namespace TbScreen.Dicom.Tests.Codecs;

/// <summary>Seeded test images: smooth gradients plus noise plus a few full-range jumps.</summary>
internal static class SyntheticImage
{
    public static int[] Create(int width, int height, int bits, int samplesPerPixel = 1, int seed = 1)
    {
        var rnd = new Random(seed);
        int top = (1 << bits) - 1;
        var pixels = new int[width * height * samplesPerPixel];
        for (int y = 0; y < height; y++)
        {
            for (int x = 0; x < width; x++)
            {
                for (int c = 0; c < samplesPerPixel; c++)
                {
                    double g = (0.5 + (0.3 * Math.Sin((x + (c * 17)) / 23.0)) + (0.2 * Math.Cos(y / 17.0))) * top;
                    int noise = rnd.Next(-(top / 50) - 1, (top / 50) + 2);
                    pixels[(((y * width) + x) * samplesPerPixel) + c] = Math.Clamp((int)g + noise, 0, top);
                }
            }
        }

        // Full-range steps hit the largest difference categories (16 at 16 bits).
        (int X, int Y, int V)[] jumps = [(5, 3, 0), (6, 3, top), (7, 3, 0), (10, 10, (top + 1) / 2), (11, 10, 0), (0, 12, top), (width - 1, height - 1, 0)];
        foreach ((int x, int y, int v) in jumps.Where(j => j.X < width && j.Y < height))
        {
            for (int c = 0; c < samplesPerPixel; c++)
            {
                pixels[(((y * width) + x) * samplesPerPixel) + c] = v;
            }
        }

        return pixels;
    }

    public static FrameInfo Info(int width, int height, int bits, int samplesPerPixel = 1, int planar = 0) =>
        new(height, width, samplesPerPixel, bits <= 8 ? 8 : 16, bits, false, planar, samplesPerPixel == 1 ? "MONOCHROME2" : "RGB");
}
