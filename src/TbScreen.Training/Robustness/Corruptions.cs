using SixLabors.ImageSharp;
using SixLabors.ImageSharp.Formats.Jpeg;
using SixLabors.ImageSharp.PixelFormats;

namespace TbScreen.Training.Robustness;

/// <summary>Natural corruptions a radiograph meets between the detector and the model.</summary>
public enum CorruptionKind
{
    GaussianNoise,
    Blur,
    Contrast,
    Gamma,
    Jpeg,
    Downsample,
    Rotation,
}

/// <summary>
/// Corrupts a preprocessed [0,1] gray plane (Size x Size, row-major) at a severity 1..<see cref="Severities"/>.
/// Deterministic: the only randomness (noise, rotation direction) comes from the seed, the image index, the kind and
/// the severity, so a rerun reproduces every corrupted image.
/// </summary>
public static class Corruptions
{
    public const int Severities = 3;

    /// <summary>The parameter at each severity, in the units <see cref="Describe"/> names.</summary>
    public static double Parameter(CorruptionKind kind, int severity)
    {
        if (severity is < 1 or > Severities)
        {
            throw new ArgumentOutOfRangeException(nameof(severity), severity, $"Severity must be 1..{Severities}.");
        }

        double[] values = kind switch
        {
            CorruptionKind.GaussianNoise => [0.02, 0.04, 0.08], // sigma, [0,1] units
            CorruptionKind.Blur => [0.75, 1.5, 2.5], // Gaussian sigma, pixels of the 224 px input
            CorruptionKind.Contrast => [0.8, 0.6, 0.4], // factor around the image mean
            CorruptionKind.Gamma => [1.25, 1.6, 2.0], // x^gamma
            CorruptionKind.Jpeg => [50, 25, 10], // quality
            CorruptionKind.Downsample => [2, 3, 4], // factor down, then back up
            CorruptionKind.Rotation => [3, 6, 10], // degrees, direction from the seed
            _ => throw new ArgumentOutOfRangeException(nameof(kind), kind, "Unknown corruption."),
        };
        return values[severity - 1];
    }

    public static string Describe(CorruptionKind kind) => kind switch
    {
        CorruptionKind.GaussianNoise => "additive Gaussian noise, sigma in [0,1] units",
        CorruptionKind.Blur => "Gaussian blur, sigma in pixels",
        CorruptionKind.Contrast => "contrast factor around the image mean",
        CorruptionKind.Gamma => "gamma (x^gamma)",
        CorruptionKind.Jpeg => "JPEG recompression quality (ImageSharp, 8-bit)",
        CorruptionKind.Downsample => "downsampling factor (area down, bilinear up)",
        CorruptionKind.Rotation => "rotation in degrees (sign from the seed), bilinear, black fill",
        _ => kind.ToString(),
    };

    public static float[] Apply(float[] plane, int size, CorruptionKind kind, int severity, int seed, int imageIndex)
    {
        ArgumentNullException.ThrowIfNull(plane);
        if (plane.Length != size * size)
        {
            throw new ArgumentException($"Plane has {plane.Length} values, not {size}x{size}.", nameof(plane));
        }

        double p = Parameter(kind, severity);
        var random = new Random(StreamSeed(seed, imageIndex, kind, severity));
        float[] result = kind switch
        {
            CorruptionKind.GaussianNoise => Noise(plane, p, random),
            CorruptionKind.Blur => Blur(plane, size, p),
            CorruptionKind.Contrast => Contrast(plane, p),
            CorruptionKind.Gamma => plane.Select(v => (float)Math.Pow(Math.Clamp(v, 0, 1), p)).ToArray(),
            CorruptionKind.Jpeg => Jpeg(plane, size, (int)p),
            CorruptionKind.Downsample => Downsample(plane, size, p),
            CorruptionKind.Rotation => Rotate(plane, size, random.Next(2) == 0 ? -p : p),
            _ => throw new ArgumentOutOfRangeException(nameof(kind), kind, "Unknown corruption."),
        };
        for (int i = 0; i < result.Length; i++)
        {
            result[i] = Math.Clamp(result[i], 0f, 1f);
        }

        return result;
    }

    /// <summary>A fixed mix (not HashCode, which is randomised per process).</summary>
    internal static int StreamSeed(int seed, int imageIndex, CorruptionKind kind, int severity) =>
        unchecked((((seed * 1_000_003) + imageIndex) * 7_919 + (int)kind) * 31 + severity);

    private static float[] Noise(float[] plane, double sigma, Random random)
    {
        var result = new float[plane.Length];
        for (int i = 0; i < plane.Length; i++)
        {
            // Box-Muller from two uniforms in (0,1].
            double u1 = 1.0 - random.NextDouble(), u2 = random.NextDouble();
            result[i] = (float)(plane[i] + sigma * Math.Sqrt(-2 * Math.Log(u1)) * Math.Cos(2 * Math.PI * u2));
        }

        return result;
    }

    private static float[] Contrast(float[] plane, double factor)
    {
        double mean = plane.Average(v => (double)v);
        return plane.Select(v => (float)(mean + (v - mean) * factor)).ToArray();
    }

    /// <summary>Separable Gaussian, kernel radius 3 sigma, edges clamped.</summary>
    private static float[] Blur(float[] plane, int size, double sigma)
    {
        int radius = (int)Math.Ceiling(3 * sigma);
        var kernel = Enumerable.Range(-radius, 2 * radius + 1).Select(d => Math.Exp(-d * d / (2 * sigma * sigma))).ToArray();
        double total = kernel.Sum();
        var horizontal = new float[plane.Length];
        var result = new float[plane.Length];
        for (int y = 0; y < size; y++)
        {
            for (int x = 0; x < size; x++)
            {
                double sum = 0;
                for (int k = -radius; k <= radius; k++)
                {
                    sum += kernel[k + radius] * plane[y * size + Math.Clamp(x + k, 0, size - 1)];
                }

                horizontal[y * size + x] = (float)(sum / total);
            }
        }

        for (int y = 0; y < size; y++)
        {
            for (int x = 0; x < size; x++)
            {
                double sum = 0;
                for (int k = -radius; k <= radius; k++)
                {
                    sum += kernel[k + radius] * horizontal[Math.Clamp(y + k, 0, size - 1) * size + x];
                }

                result[y * size + x] = (float)(sum / total);
            }
        }

        return result;
    }

    private static float[] Jpeg(float[] plane, int size, int quality)
    {
        using var image = new Image<L8>(size, size);
        for (int y = 0; y < size; y++)
        {
            for (int x = 0; x < size; x++)
            {
                image[x, y] = new L8((byte)Math.Round(Math.Clamp(plane[y * size + x], 0f, 1f) * 255));
            }
        }

        using var buffer = new MemoryStream();
        image.Save(buffer, new JpegEncoder { Quality = quality, ColorType = JpegColorType.Luminance });
        buffer.Position = 0;
        using var decoded = Image.Load<L8>(buffer);
        var result = new float[plane.Length];
        for (int y = 0; y < size; y++)
        {
            for (int x = 0; x < size; x++)
            {
                result[y * size + x] = decoded[x, y].PackedValue / 255f;
            }
        }

        return result;
    }

    private static float[] Downsample(float[] plane, int size, double factor)
    {
        int small = Math.Max(1, (int)Math.Round(size / factor));
        var down = Resize(plane, size, small, AreaWeights);
        return Resize(down, small, size, BilinearWeights);
    }

    /// <summary>Separable resize: rows then columns, with per-output-pixel tap weights.</summary>
    private static float[] Resize(float[] plane, int from, int to, Func<int, int, (int Index, double Weight)[][]> weights)
    {
        var taps = weights(from, to);
        var rows = new float[from * to];
        for (int y = 0; y < from; y++)
        {
            for (int x = 0; x < to; x++)
            {
                rows[y * to + x] = (float)taps[x].Sum(t => t.Weight * plane[y * from + t.Index]);
            }
        }

        var result = new float[to * to];
        for (int y = 0; y < to; y++)
        {
            for (int x = 0; x < to; x++)
            {
                result[y * to + x] = (float)taps[y].Sum(t => t.Weight * rows[t.Index * to + x]);
            }
        }

        return result;
    }

    /// <summary>Each output pixel averages the source interval it covers, partial pixels weighted by overlap.</summary>
    private static (int, double)[][] AreaWeights(int from, int to)
    {
        double scale = (double)from / to;
        var taps = new (int, double)[to][];
        for (int o = 0; o < to; o++)
        {
            double start = o * scale, end = (o + 1) * scale;
            var list = new List<(int, double)>();
            for (int s = (int)Math.Floor(start); s < Math.Min(from, (int)Math.Ceiling(end)); s++)
            {
                double overlap = Math.Min(end, s + 1) - Math.Max(start, s);
                if (overlap > 0)
                {
                    list.Add((s, overlap / scale));
                }
            }

            taps[o] = list.ToArray();
        }

        return taps;
    }

    /// <summary>Pixel-centre aligned linear interpolation, edges clamped.</summary>
    private static (int, double)[][] BilinearWeights(int from, int to)
    {
        double scale = (double)from / to;
        var taps = new (int, double)[to][];
        for (int o = 0; o < to; o++)
        {
            double source = Math.Clamp((o + 0.5) * scale - 0.5, 0, from - 1);
            int left = (int)Math.Floor(source);
            int right = Math.Min(left + 1, from - 1);
            double t = source - left;
            taps[o] = [(left, 1 - t), (right, t)];
        }

        return taps;
    }

    /// <summary>Rotation about the centre, bilinear, black (0) outside the source like the letterbox padding.</summary>
    private static float[] Rotate(float[] plane, int size, double degrees)
    {
        double radians = degrees * Math.PI / 180, cos = Math.Cos(radians), sin = Math.Sin(radians);
        double centre = (size - 1) / 2.0;
        var result = new float[plane.Length];
        for (int y = 0; y < size; y++)
        {
            for (int x = 0; x < size; x++)
            {
                // Inverse map: where in the source does this output pixel come from.
                double dx = x - centre, dy = y - centre;
                double sx = cos * dx + sin * dy + centre, sy = -sin * dx + cos * dy + centre;
                result[y * size + x] = Sample(plane, size, sx, sy);
            }
        }

        return result;
    }

    private static float Sample(float[] plane, int size, double x, double y)
    {
        if (x < -0.5 || y < -0.5 || x > size - 0.5 || y > size - 0.5)
        {
            return 0f;
        }

        x = Math.Clamp(x, 0, size - 1);
        y = Math.Clamp(y, 0, size - 1);
        int x0 = (int)Math.Floor(x), y0 = (int)Math.Floor(y);
        int x1 = Math.Min(x0 + 1, size - 1), y1 = Math.Min(y0 + 1, size - 1);
        double tx = x - x0, ty = y - y0;
        double top = plane[y0 * size + x0] * (1 - tx) + plane[y0 * size + x1] * tx;
        double bottom = plane[y1 * size + x0] * (1 - tx) + plane[y1 * size + x1] * tx;
        return (float)(top * (1 - ty) + bottom * ty);
    }
}
