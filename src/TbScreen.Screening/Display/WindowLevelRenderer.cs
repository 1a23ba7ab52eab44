using TbScreen.Dicom;
using TbScreen.Dicom.Pixels;
using TbScreen.Imaging;

namespace TbScreen.Screening.Display;

/// <summary>A window in modality units (DICOM's window centre and width, LINEAR function).</summary>
public readonly record struct DisplayWindow(double Center, double Width);

/// <summary>An 8-bit rendering of a stored radiograph and the window it used.</summary>
public sealed record RenderedImage(byte[] Pixels, int Width, int Height, DisplayWindow Window);

/// <summary>
/// Window/level for the viewer: modality LUT, then DICOM's LINEAR window (PS3.3 C.11.2.1.2.1) to 0..255, inverted
/// for MONOCHROME1. Default window: the file's first VOI window, else the full min..max of the modality values.
/// Declared pixel padding is no part of the image (PS3.3 C.7.5.1.1.2): left out of min..max and drawn black.
/// Why not the model's preprocessing: a radiologist adjusts the window; the models' input is fixed.
/// </summary>
public static class WindowLevelRenderer
{
    public const int DefaultMaxSize = 1024;

    /// <summary>Decodes DICOM, PNG or JPEG by content. Throws DicomException or ImageDecodeException for bad input.</summary>
    /// <param name="pixelDecoder">The host's decoder (isolated native codecs in the web host and DICOM node); null = in process.</param>
    public static Radiograph Decode(byte[] content, string sourceName, PixelDataDecoder? pixelDecoder = null)
    {
        ArgumentNullException.ThrowIfNull(content);
        using var stream = new MemoryStream(content, writable: false);
        return RadiographFiles.IsRaster(content.AsSpan(0, Math.Min(8, content.Length)))
            ? RasterImageLoader.Default.Load(stream, sourceName)
            : new DicomRadiographReader(decoder: pixelDecoder).Read(stream, sourceName);
    }

    public static DisplayWindow DefaultWindow(Radiograph radiograph)
    {
        ArgumentNullException.ThrowIfNull(radiograph);
        if (radiograph.Voi is WindowVoi voi && double.IsFinite(voi.Center) && double.IsFinite(voi.Width) && voi.Width >= 1)
        {
            return new DisplayWindow(voi.Center, voi.Width);
        }

        var (min, max) = ValueRange(radiograph);
        // A LINEAR window whose edges land exactly on min and max: c - 0.5 -/+ (w - 1) / 2 = min / max.
        return new DisplayWindow(((min + max) / 2) + 0.5, Math.Max(1, max - min + 1));
    }

    /// <summary>The smallest and largest modality value of the image's own pixels (the viewer's slider range).</summary>
    public static (double Min, double Max) ValueRange(Radiograph radiograph)
    {
        ArgumentNullException.ThrowIfNull(radiograph);
        double min = double.MaxValue, max = double.MinValue, allMin = double.MaxValue, allMax = double.MinValue;
        int samples = radiograph.Layout.SamplesPerPixel;
        for (int i = 0; i < radiograph.StoredPixels.Length / samples; i++)
        {
            double v = Value(radiograph, i);
            allMin = Math.Min(allMin, v);
            allMax = Math.Max(allMax, v);
            if (!IsPadding(radiograph, i))
            {
                min = Math.Min(min, v);
                max = Math.Max(max, v);
            }
        }

        // Nothing but padding: the range of what is there.
        return min <= max ? (min, max) : (allMin, allMax);
    }

    /// <param name="window">Null for <see cref="DefaultWindow"/>.</param>
    /// <param name="maxSize">Longest side of the output; larger images are subsampled by a whole step.</param>
    public static RenderedImage Render(Radiograph radiograph, DisplayWindow? window = null, int maxSize = DefaultMaxSize)
    {
        ArgumentNullException.ThrowIfNull(radiograph);
        ArgumentOutOfRangeException.ThrowIfLessThan(maxSize, 1);
        var w = window ?? DefaultWindow(radiograph);
        if (!double.IsFinite(w.Center) || !double.IsFinite(w.Width) || w.Width < 1)
        {
            throw new ArgumentOutOfRangeException(nameof(window), w, "The window centre must be finite and the width at least 1.");
        }

        var layout = radiograph.Layout;
        var (step, rows, columns) = DisplayGrid.For(layout.Rows, layout.Columns, maxSize);
        var pixels = new byte[rows * columns];
        for (int r = 0; r < rows; r++)
        {
            for (int c = 0; c < columns; c++)
            {
                int index = (r * step * layout.Columns) + (c * step);
                byte v = Apply(w, Value(radiograph, index));
                pixels[(r * columns) + c] = IsPadding(radiograph, index) ? (byte)0 : layout.IsMonochrome1 ? (byte)(255 - v) : v;
            }
        }

        return new RenderedImage(pixels, columns, rows, w);
    }

    /// <summary>LINEAR: 0 at or below c - 0.5 - (w-1)/2, 255 above c - 0.5 + (w-1)/2, linear between (rounded).</summary>
    public static byte Apply(DisplayWindow window, double x)
    {
        double c = window.Center, w = window.Width;
        if (x <= c - 0.5 - ((w - 1) / 2))
        {
            return 0;
        }

        if (x > c - 0.5 + ((w - 1) / 2))
        {
            return 255;
        }

        double y = ((x - (c - 0.5)) / (w - 1)) + 0.5;
        return (byte)Math.Clamp(Math.Round(y * 255, MidpointRounding.AwayFromZero), 0, 255);
    }

    private static bool IsPadding(Radiograph radiograph, int index) =>
        radiograph.Padding is { } padding && padding.Contains(radiograph.StoredPixels[index * radiograph.Layout.SamplesPerPixel]);

    /// <summary>The modality value of pixel <paramref name="index"/>; colour samples are reduced to BT.601 luma.</summary>
    private static double Value(Radiograph radiograph, int index)
    {
        int samples = radiograph.Layout.SamplesPerPixel;
        if (samples >= 3)
        {
            int o = index * samples;
            return (0.299 * radiograph.StoredPixels[o]) + (0.587 * radiograph.StoredPixels[o + 1]) + (0.114 * radiograph.StoredPixels[o + 2]);
        }

        int stored = radiograph.StoredPixels[index * samples];
        return radiograph.ModalityLut?.Apply(stored) ?? stored;
    }
}
