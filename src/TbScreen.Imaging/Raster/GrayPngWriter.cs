using SixLabors.ImageSharp;
using SixLabors.ImageSharp.Formats.Png;
using SixLabors.ImageSharp.PixelFormats;

namespace TbScreen.Imaging;

/// <summary>Encodes 8-bit gray pixels as PNG (the only format we ever write).</summary>
public static class GrayPngWriter
{
    public static byte[] Encode(byte[] pixels, int width, int height)
    {
        ArgumentNullException.ThrowIfNull(pixels);
        if ((long)width * height != pixels.Length)
        {
            throw new ArgumentException($"{pixels.Length} pixels do not make a {width}x{height} image.", nameof(pixels));
        }

        using var image = Image.LoadPixelData<L8>(pixels, width, height);
        using var output = new MemoryStream();
        image.Save(output, new PngEncoder { ColorType = PngColorType.Grayscale, BitDepth = PngBitDepth.Bit8 });
        return output.ToArray();
    }
}
