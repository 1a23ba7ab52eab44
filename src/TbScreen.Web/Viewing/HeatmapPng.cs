using SixLabors.ImageSharp;
using SixLabors.ImageSharp.Formats.Png;
using SixLabors.ImageSharp.PixelFormats;
using TbScreen.Inference.Heatmaps;

namespace TbScreen.Web.Viewing;

/// <summary>
/// The CAM heatmap as an RGBA PNG for overlaying: a jet-like colour ramp with alpha rising with the value, so cold
/// regions leave the radiograph visible. The endpoint encodes the heatmap re-projected onto the radiograph's display
/// grid (<see cref="HeatmapOverlays"/>), so the viewer stretches it over the image and the two line up.
/// </summary>
public static class HeatmapPng
{
    public static byte[] Encode(Heatmap heatmap)
    {
        ArgumentNullException.ThrowIfNull(heatmap);
        using var image = new Image<Rgba32>(heatmap.Width, heatmap.Height);
        for (int y = 0; y < heatmap.Height; y++)
        {
            for (int x = 0; x < heatmap.Width; x++)
            {
                image[x, y] = Colour(heatmap.Values[(y * heatmap.Width) + x]);
            }
        }

        using var output = new MemoryStream();
        image.Save(output, new PngEncoder { ColorType = PngColorType.RgbWithAlpha });
        return output.ToArray();
    }

    internal static Rgba32 Colour(float value)
    {
        var (r, g, b, a) = HeatmapColours.Colour(value);
        return new Rgba32(r, g, b, a);
    }
}
