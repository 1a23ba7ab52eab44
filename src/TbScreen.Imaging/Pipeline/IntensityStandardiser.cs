namespace TbScreen.Imaging;

/// <summary>
/// Histogram equalisation and CLAHE on the [0,1] gray image. Sites differ in detector response and
/// in their own post-processing; equalising intensities removes part of the "which hospital" signal
/// a network can otherwise learn instead of disease (see the data README on source shortcuts).
/// </summary>
internal static class IntensityStandardiser
{
    private const int Bins = 256;

    public static GrayImage Apply(GrayImage image, IntensityStandardisation method, float clipLimit, int tiles) => method switch
    {
        IntensityStandardisation.None => image,
        IntensityStandardisation.HistogramEqualisation => Equalise(image),
        IntensityStandardisation.Clahe => Clahe(image, clipLimit, tiles),
        _ => throw new ArgumentOutOfRangeException(nameof(method), method, "Unknown intensity standardisation."),
    };

    /// <summary>Global equalisation: each value maps to its mid-rank cumulative frequency.</summary>
    private static GrayImage Equalise(GrayImage image)
    {
        var histogram = new int[Bins];
        foreach (float v in image.Pixels)
        {
            histogram[BinOf(v)]++;
        }

        var map = CumulativeMap(histogram, image.Pixels.Length);
        var output = new float[image.Pixels.Length];
        for (int i = 0; i < output.Length; i++)
        {
            output[i] = map[BinOf(image.Pixels[i])];
        }

        return image with { Pixels = output };
    }

    /// <summary>
    /// Contrast-limited adaptive equalisation (Zuiderveld 1994): per-tile clipped histograms, the clipped
    /// excess spread evenly, and bilinear interpolation between the four nearest tile mappings.
    /// </summary>
    private static GrayImage Clahe(GrayImage image, float clipLimit, int tiles)
    {
        int tileRows = Math.Clamp(tiles, 1, image.Rows);
        int tileColumns = Math.Clamp(tiles, 1, image.Columns);
        var maps = new float[tileRows, tileColumns][];
        for (int ty = 0; ty < tileRows; ty++)
        {
            for (int tx = 0; tx < tileColumns; tx++)
            {
                int r0 = ty * image.Rows / tileRows, r1 = (ty + 1) * image.Rows / tileRows;
                int c0 = tx * image.Columns / tileColumns, c1 = (tx + 1) * image.Columns / tileColumns;
                var histogram = new int[Bins];
                for (int r = r0; r < r1; r++)
                {
                    for (int c = c0; c < c1; c++)
                    {
                        histogram[BinOf(image[r, c])]++;
                    }
                }

                int count = (r1 - r0) * (c1 - c0);
                ClipHistogram(histogram, Math.Max(1, (int)(clipLimit * count / Bins)));
                maps[ty, tx] = CumulativeMap(histogram, count);
            }
        }

        var output = new float[image.Pixels.Length];
        double tileHeight = (double)image.Rows / tileRows, tileWidth = (double)image.Columns / tileColumns;
        for (int r = 0; r < image.Rows; r++)
        {
            // Position relative to tile centres; clamped at the edges so border pixels use the edge tiles.
            double fy = Math.Clamp((r + 0.5) / tileHeight - 0.5, 0, tileRows - 1);
            int y0 = (int)fy, y1 = Math.Min(y0 + 1, tileRows - 1);
            double wy = fy - y0;
            for (int c = 0; c < image.Columns; c++)
            {
                double fx = Math.Clamp((c + 0.5) / tileWidth - 0.5, 0, tileColumns - 1);
                int x0 = (int)fx, x1 = Math.Min(x0 + 1, tileColumns - 1);
                double wx = fx - x0;
                int bin = BinOf(image[r, c]);
                double top = (1 - wx) * maps[y0, x0][bin] + wx * maps[y0, x1][bin];
                double bottom = (1 - wx) * maps[y1, x0][bin] + wx * maps[y1, x1][bin];
                output[r * image.Columns + c] = (float)((1 - wy) * top + wy * bottom);
            }
        }

        return image with { Pixels = output };
    }

    private static void ClipHistogram(int[] histogram, int limit)
    {
        int excess = 0;
        for (int i = 0; i < Bins; i++)
        {
            if (histogram[i] > limit)
            {
                excess += histogram[i] - limit;
                histogram[i] = limit;
            }
        }

        int share = excess / Bins, remainder = excess % Bins;
        for (int i = 0; i < Bins; i++)
        {
            histogram[i] += share + (i < remainder ? 1 : 0);
        }
    }

    private static float[] CumulativeMap(int[] histogram, int total)
    {
        var map = new float[Bins];
        long below = 0;
        for (int i = 0; i < Bins; i++)
        {
            map[i] = total == 0 ? 0 : (float)((below + histogram[i] / 2.0) / total);
            below += histogram[i];
        }

        return map;
    }

    private static int BinOf(float value) => Math.Clamp((int)(value * Bins), 0, Bins - 1);
}
