namespace TbScreen.Imaging;

/// <summary>
/// The window used when a grayscale image carries no usable VOI: the 0.5th to 99.5th percentile of the
/// modality values, ignoring a uniform frame around the image (collimator shutters, burnt-in padding)
/// so that a large constant border does not drag the percentiles onto itself, and ignoring the values the file
/// declares as padding (PS3.3 C.7.5.1.1.2: named so that viewers leave them out of the dynamic range).
/// </summary>
internal static class FallbackWindow
{
    public const double LowPercentile = 0.5;
    public const double HighPercentile = 99.5;

    // Above this many distinct stored values the histogram bins are coarsened (only for > 20-bit data).
    private const int MaxBins = 1 << 20;

    public static WindowVoi Estimate(Radiograph radiograph)
    {
        PixelLayout layout = radiograph.Layout;
        (int top, int bottom, int left, int right) = InteriorBounds(radiograph.StoredPixels, layout.Rows, layout.Columns);
        List<(double Value, long Count)> histogram = ModalityHistogram(radiograph, top, bottom, left, right, radiograph.Padding);
        if (histogram.Count == 0)
        {
            // Nothing but padding: the window is that of the padding itself (the image renders black either way).
            histogram = ModalityHistogram(radiograph, top, bottom, left, right, padding: null);
        }

        long total = histogram.Sum(h => h.Count);
        double low = NearestRank(histogram, total, LowPercentile);
        double high = NearestRank(histogram, total, HighPercentile);

        // A LINEAR window whose edges land exactly on low and high: c - 0.5 -/+ (w - 1) / 2 = low / high.
        double width = high - low + 1;
        return new WindowVoi(((low + high) / 2) + 0.5, width, VoiLutFunction.Linear);
    }

    /// <summary>
    /// Half-open row and column bounds after peeling uniform rows/columns off each edge. Lines of a single pixel
    /// are never peeled: they are trivially uniform, and peeling them would eat a one-pixel-high image.
    /// </summary>
    internal static (int Top, int Bottom, int Left, int Right) InteriorBounds(int[] pixels, int rows, int columns)
    {
        int top = 0, bottom = rows, left = 0, right = columns;
        while (bottom - top > 1 && IsUniform(pixels, columns, top, top + 1, left, right))
        {
            top++;
        }

        while (bottom - top > 1 && IsUniform(pixels, columns, bottom - 1, bottom, left, right))
        {
            bottom--;
        }

        while (right - left > 1 && IsUniform(pixels, columns, top, bottom, left, left + 1))
        {
            left++;
        }

        while (right - left > 1 && IsUniform(pixels, columns, top, bottom, right - 1, right))
        {
            right--;
        }

        return (top, bottom, left, right);
    }

    private static bool IsUniform(int[] pixels, int columns, int top, int bottom, int left, int right)
    {
        if ((long)(bottom - top) * (right - left) < 2)
        {
            return false;
        }

        int first = pixels[(top * columns) + left];
        for (int r = top; r < bottom; r++)
        {
            for (int c = left; c < right; c++)
            {
                if (pixels[(r * columns) + c] != first)
                {
                    return false;
                }
            }
        }

        return true;
    }

    /// <summary>
    /// Counts stored values, then maps each distinct value through the modality LUT and sorts by the result,
    /// so percentiles are exact and also correct for decreasing or non-monotonic modality LUTs.
    /// </summary>
    private static List<(double Value, long Count)> ModalityHistogram(Radiograph radiograph, int top, int bottom, int left, int right, PixelPadding? padding)
    {
        int[] pixels = radiograph.StoredPixels;
        int columns = radiograph.Layout.Columns;
        long min = long.MaxValue, max = long.MinValue;
        for (int r = top; r < bottom; r++)
        {
            for (int c = left; c < right; c++)
            {
                int v = pixels[(r * columns) + c];
                if (padding is null || !padding.Contains(v))
                {
                    min = Math.Min(min, v);
                    max = Math.Max(max, v);
                }
            }
        }

        if (min > max)
        {
            return [];
        }

        int shift = 0;
        while (((max - min) >> shift) >= MaxBins)
        {
            shift++;
        }

        long[] counts = new long[((max - min) >> shift) + 1];
        for (int r = top; r < bottom; r++)
        {
            for (int c = left; c < right; c++)
            {
                int v = pixels[(r * columns) + c];
                if (padding is null || !padding.Contains(v))
                {
                    counts[(v - min) >> shift]++;
                }
            }
        }

        var histogram = new List<(double Value, long Count)>();
        for (int bin = 0; bin < counts.Length; bin++)
        {
            if (counts[bin] > 0)
            {
                int stored = (int)(min + ((long)bin << shift));
                histogram.Add((ModalityStage.Apply(radiograph.ModalityLut, stored), counts[bin]));
            }
        }

        histogram.Sort((a, b) => a.Value.CompareTo(b.Value));
        return histogram;
    }

    /// <summary>Nearest-rank percentile: the smallest value whose cumulative count reaches p% of the total.</summary>
    private static double NearestRank(List<(double Value, long Count)> histogram, long total, double percentile)
    {
        long rank = Math.Max(1, (long)Math.Ceiling(percentile / 100 * total));
        long cumulative = 0;
        foreach ((double value, long count) in histogram)
        {
            cumulative += count;
            if (cumulative >= rank)
            {
                return value;
            }
        }

        return histogram[^1].Value;
    }
}
