using TbScreen.Dicom.Samples;
using TbScreen.Imaging;

namespace TbScreen.Training.Tests.Fixtures;

/// <summary>Synthetic chest PNGs from our phantom; TB positives get a bright blob in a lung field.</summary>
public static class SyntheticCxr
{
    public static void WritePng(string path, int size, int seed, bool blob)
    {
        int[] values = ChestPhantom.Generate(size, size, 255, seed);
        var pixels = values.Select(v => (byte)v).ToArray();
        if (blob)
        {
            var random = new Random(seed);
            double cx = size * (random.Next(2) == 0 ? 0.32 : 0.68) + random.Next(-2, 3);
            double cy = size * (0.45 + random.NextDouble() * 0.1);
            double radius = size * 0.12;
            for (int y = 0; y < size; y++)
            {
                for (int x = 0; x < size; x++)
                {
                    double d2 = ((x - cx) * (x - cx) + (y - cy) * (y - cy)) / (radius * radius);
                    if (d2 < 1)
                    {
                        pixels[y * size + x] = (byte)Math.Max(pixels[y * size + x], 250 - (int)(30 * d2));
                    }
                }
            }
        }

        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        File.WriteAllBytes(path, GrayPngWriter.Encode(pixels, size, size));
    }
}
