using SixLabors.ImageSharp;
using SixLabors.ImageSharp.Formats.Jpeg;
using SixLabors.ImageSharp.PixelFormats;

namespace TbScreen.Training.Augmentation;

/// <summary>
/// The acquisition-style changes on one [0,1] gray plane (row-major; size x size, or width x height where an overload
/// takes both), each pure.
/// </summary>
public static class AcquisitionTransforms
{
    /// <summary>Maps [low, high] to [0, 1] and clips: another display window.</summary>
    public static float[] Window(float[] plane, float low, float high)
    {
        if (!(high > low))
        {
            throw new ArgumentException("The window needs high > low.");
        }

        return plane.Select(v => Math.Clamp((v - low) / (high - low), 0f, 1f)).ToArray();
    }

    /// <summary>Separable Gaussian blur (kernel radius 3 sigma), edges clamped.</summary>
    public static float[] Blur(float[] plane, int size, double sigma) => Blur(plane, size, size, sigma);

    /// <summary>Separable Gaussian blur of a width x height plane (kernel radius 3 sigma), edges clamped.</summary>
    public static float[] Blur(float[] plane, int width, int height, double sigma)
    {
        int radius = Math.Max(1, (int)Math.Ceiling(3 * sigma));
        var kernel = Enumerable.Range(-radius, 2 * radius + 1).Select(d => Math.Exp(-d * d / (2 * sigma * sigma))).ToArray();
        double sum = kernel.Sum();
        float[] k = kernel.Select(v => (float)(v / sum)).ToArray();
        var rows = new float[plane.Length];
        var result = new float[plane.Length];
        for (int y = 0; y < height; y++)
        {
            for (int x = 0; x < width; x++)
            {
                float acc = 0;
                for (int d = -radius; d <= radius; d++)
                {
                    acc += k[d + radius] * plane[y * width + Math.Clamp(x + d, 0, width - 1)];
                }

                rows[y * width + x] = acc;
            }
        }

        for (int y = 0; y < height; y++)
        {
            for (int x = 0; x < width; x++)
            {
                float acc = 0;
                for (int d = -radius; d <= radius; d++)
                {
                    acc += k[d + radius] * rows[Math.Clamp(y + d, 0, height - 1) * width + x];
                }

                result[y * width + x] = acc;
            }
        }

        return result;
    }

    /// <summary>Unsharp mask: x + amount (x - blur(x)), clipped to [0, 1].</summary>
    public static float[] Sharpen(float[] plane, int size, double sigma, float amount)
    {
        float[] blurred = Blur(plane, size, sigma);
        return plane.Select((v, i) => Math.Clamp(v + amount * (v - blurred[i]), 0f, 1f)).ToArray();
    }

    /// <summary>Area down-sampling by an integer-free factor and bilinear up-sampling back to the size.</summary>
    public static float[] DownUp(float[] plane, int size, double factor) => DownUp(plane, size, size, factor);

    /// <summary>As the square overload, for a width x height plane: each axis shrinks by the factor.</summary>
    public static float[] DownUp(float[] plane, int width, int height, double factor)
    {
        int smallX = Math.Clamp((int)Math.Round(width * factor), 2, width);
        int smallY = Math.Clamp((int)Math.Round(height * factor), 2, height);
        var down = new float[smallX * smallY];
        double stepX = (double)width / smallX, stepY = (double)height / smallY;
        for (int y = 0; y < smallY; y++)
        {
            for (int x = 0; x < smallX; x++)
            {
                // Mean over the source cells this target pixel covers (nearest cell bounds).
                int x0 = (int)(x * stepX), x1 = Math.Max(x0 + 1, (int)((x + 1) * stepX));
                int y0 = (int)(y * stepY), y1 = Math.Max(y0 + 1, (int)((y + 1) * stepY));
                double acc = 0;
                for (int yy = y0; yy < y1; yy++)
                {
                    for (int xx = x0; xx < x1; xx++)
                    {
                        acc += plane[yy * width + xx];
                    }
                }

                down[y * smallX + x] = (float)(acc / ((x1 - x0) * (y1 - y0)));
            }
        }

        var up = new float[plane.Length];
        for (int y = 0; y < height; y++)
        {
            double sy = Math.Clamp((y + 0.5) / stepY - 0.5, 0, smallY - 1);
            int ya = (int)sy, yb = Math.Min(ya + 1, smallY - 1);
            double fy = sy - ya;
            for (int x = 0; x < width; x++)
            {
                double sx = Math.Clamp((x + 0.5) / stepX - 0.5, 0, smallX - 1);
                int xa = (int)sx, xb = Math.Min(xa + 1, smallX - 1);
                double fx = sx - xa;
                double top = down[ya * smallX + xa] * (1 - fx) + down[ya * smallX + xb] * fx;
                double bottom = down[yb * smallX + xa] * (1 - fx) + down[yb * smallX + xb] * fx;
                up[y * width + x] = (float)(top * (1 - fy) + bottom * fy);
            }
        }

        return up;
    }

    /// <summary>Encodes as an 8-bit greyscale JPEG at this quality and decodes again.</summary>
    public static float[] Jpeg(float[] plane, int size, int quality) => Jpeg(plane, size, size, quality);

    /// <summary>As the square overload, for a width x height plane.</summary>
    public static float[] Jpeg(float[] plane, int width, int height, int quality)
    {
        using var image = new Image<L8>(width, height);
        for (int y = 0; y < height; y++)
        {
            for (int x = 0; x < width; x++)
            {
                image[x, y] = new L8((byte)Math.Clamp((int)Math.Round(plane[y * width + x] * 255), 0, 255));
            }
        }

        using var stream = new MemoryStream();
        image.Save(stream, new JpegEncoder { Quality = quality, ColorType = JpegColorType.Luminance });
        stream.Position = 0;
        using var decoded = Image.Load<L8>(stream);
        var result = new float[plane.Length];
        for (int y = 0; y < height; y++)
        {
            for (int x = 0; x < width; x++)
            {
                result[y * width + x] = decoded[x, y].PackedValue / 255f;
            }
        }

        return result;
    }

    /// <summary>Fills bands of the given widths (pixels) on the left, top, right and bottom with a constant.</summary>
    public static float[] Borders(float[] plane, int size, int left, int top, int right, int bottom, float value) =>
        Borders(plane, size, size, left, top, right, bottom, value);

    /// <summary>As the square overload, for a width x height plane.</summary>
    public static float[] Borders(float[] plane, int width, int height, int left, int top, int right, int bottom, float value)
    {
        var result = (float[])plane.Clone();
        for (int y = 0; y < height; y++)
        {
            for (int x = 0; x < width; x++)
            {
                if (x < left || x >= width - right || y < top || y >= height - bottom)
                {
                    result[y * width + x] = value;
                }
            }
        }

        return result;
    }

    /// <summary>Additive Gaussian noise of this sigma, clipped to [0, 1]; two draws per pixel from the caller's stream.</summary>
    public static float[] Noise(float[] plane, double sigma, Random random) =>
        plane.Select(v => Math.Clamp(v + (float)(sigma * Gaussian(random)), 0f, 1f)).ToArray();

    /// <summary>A standard normal draw (Box-Muller).</summary>
    public static double Gaussian(Random random) =>
        Math.Sqrt(-2 * Math.Log(1 - random.NextDouble())) * Math.Cos(2 * Math.PI * random.NextDouble());

    /// <summary>256-bin cumulative histogram of a [0,1] plane, normalised to end at 1.</summary>
    public static double[] Cdf(float[] plane)
    {
        var counts = new double[256];
        foreach (float v in plane)
        {
            counts[Bin(v)]++;
        }

        double running = 0;
        for (int b = 0; b < 256; b++)
        {
            running += counts[b];
            counts[b] = running / plane.Length;
        }

        return counts;
    }

    /// <summary>Histogram matching: each value moves to the reference value at the same cumulative rank.</summary>
    public static float[] MatchHistogram(float[] plane, double[] referenceCdf)
    {
        double[] own = Cdf(plane);
        var map = new float[256];
        int r = 0;
        for (int b = 0; b < 256; b++)
        {
            while (r < 255 && referenceCdf[r] < own[b])
            {
                r++;
            }

            map[b] = r / 255f;
        }

        return plane.Select(v => map[Bin(v)]).ToArray();
    }

    private static int Bin(float v) => Math.Clamp((int)(v * 255 + 0.5f), 0, 255);
}
