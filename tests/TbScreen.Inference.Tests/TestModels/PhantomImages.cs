using TbScreen.Dicom.Samples;
using TbScreen.Imaging;

namespace TbScreen.Inference.Tests.TestModels;

/// <summary>Synthetic chest phantoms as PNG (never third-party images); brightness steers the tiny models' score.</summary>
internal static class PhantomImages
{
    public static byte[] PngBytes(double brightness, int seed = 1)
    {
        int[] values = ChestPhantom.Generate(64, 64, 255, seed);
        byte[] pixels = values.Select(v => (byte)Math.Clamp(v * brightness, 0, 255)).ToArray();
        return GrayPngWriter.Encode(pixels, 64, 64);
    }

    public static Radiograph Radiograph(double brightness, int seed = 1)
    {
        string path = Path.Combine(TestBundles.TempDirectory(), "phantom.png");
        File.WriteAllBytes(path, PngBytes(brightness, seed));
        return RasterImageLoader.Default.Load(path);
    }
}
