namespace TbScreen.Imaging;

/// <summary>
/// Stage 6: separable resampling on float arrays. Per axis: area averaging (box filter with fractional
/// coverage) when it shrinks, so every source pixel contributes and no aliasing appears; bilinear with
/// half-pixel centres when it grows. Ours rather than ImageSharp's so DICOM and PNG inputs share one
/// deterministic implementation.
/// </summary>
internal static class Resampler
{
    public static GrayImage ToSquare(GrayImage image, int size, ResizeMode mode)
    {
        PixelRect place = Placement(image.Rows, image.Columns, size, mode);
        GrayImage scaled = Resize(image, place.Rows, place.Columns);
        if (place.Rows == size && place.Columns == size)
        {
            return scaled;
        }

        var canvas = GrayImage.Blank(size, size);
        for (int r = 0; r < place.Rows; r++)
        {
            Array.Copy(scaled.Pixels, r * place.Columns, canvas.Pixels, ((r + place.Top) * size) + place.Left, place.Columns);
        }

        return canvas;
    }

    /// <summary>
    /// Where a rows x columns image lands inside the size x size square. Stretch fills it; Letterbox makes the longer
    /// side `size`, the shorter keeps the aspect ratio, centred on black.
    /// </summary>
    public static PixelRect Placement(int rows, int columns, int size, ResizeMode mode)
    {
        if (mode == ResizeMode.Stretch)
        {
            return new PixelRect(0, 0, size, size);
        }

        int longer = Math.Max(rows, columns);
        int scaledRows = Math.Max(1, (int)Math.Round((double)rows * size / longer, MidpointRounding.AwayFromZero));
        int scaledColumns = Math.Max(1, (int)Math.Round((double)columns * size / longer, MidpointRounding.AwayFromZero));
        return new PixelRect((size - scaledRows) / 2, (size - scaledColumns) / 2, scaledRows, scaledColumns);
    }

    public static GrayImage Resize(GrayImage image, int rows, int columns)
    {
        if (rows == image.Rows && columns == image.Columns)
        {
            return image;
        }

        Tap[] columnTaps = Taps(image.Columns, columns);
        Tap[] rowTaps = Taps(image.Rows, rows);

        // Horizontal pass, then vertical; each output pixel is a weighted sum accumulated in double.
        var horizontal = GrayImage.Blank(image.Rows, columns);
        for (int r = 0; r < image.Rows; r++)
        {
            int rowStart = r * image.Columns;
            for (int c = 0; c < columns; c++)
            {
                Tap tap = columnTaps[c];
                double sum = 0;
                for (int k = 0; k < tap.Weights.Length; k++)
                {
                    sum += tap.Weights[k] * image.Pixels[rowStart + tap.Start + k];
                }

                horizontal.Pixels[(r * columns) + c] = (float)sum;
            }
        }

        var output = GrayImage.Blank(rows, columns);
        for (int r = 0; r < rows; r++)
        {
            Tap tap = rowTaps[r];
            for (int c = 0; c < columns; c++)
            {
                double sum = 0;
                for (int k = 0; k < tap.Weights.Length; k++)
                {
                    sum += tap.Weights[k] * horizontal.Pixels[((tap.Start + k) * columns) + c];
                }

                output.Pixels[(r * columns) + c] = (float)sum;
            }
        }

        return output;
    }

    /// <summary>Source pixels Start .. Start + Weights.Length - 1 and their weights for one output pixel.</summary>
    internal readonly record struct Tap(int Start, double[] Weights);

    internal static Tap[] Taps(int source, int destination)
    {
        var taps = new Tap[destination];
        for (int i = 0; i < destination; i++)
        {
            taps[i] = destination == source ? new Tap(i, [1.0])
                : destination < source ? AreaTap(source, destination, i)
                : BilinearTap(source, destination, i);
        }

        return taps;
    }

    // Output pixel i covers source interval [i * s, (i + 1) * s) with s = source / destination.
    private static Tap AreaTap(int source, int destination, int i)
    {
        double scale = (double)source / destination;
        double low = (double)i * source / destination;
        double high = (double)(i + 1) * source / destination;
        int first = (int)Math.Floor(low);
        int last = Math.Min(source - 1, (int)Math.Ceiling(high) - 1);
        double[] weights = new double[last - first + 1];
        for (int j = first; j <= last; j++)
        {
            weights[j - first] = (Math.Min(high, j + 1) - Math.Max(low, j)) / scale;
        }

        return new Tap(first, weights);
    }

    // Pixel centres sit at half-integers (as in OpenCV and PyTorch align_corners=false); edges clamp.
    private static Tap BilinearTap(int source, int destination, int i)
    {
        double x = Math.Clamp((((i + 0.5) * source) / destination) - 0.5, 0, source - 1);
        int j = (int)Math.Floor(x);
        double fraction = x - j;
        return j + 1 < source ? new Tap(j, [1 - fraction, fraction]) : new Tap(j, [1.0]);
    }
}
