using TbScreen.Imaging;

namespace TbScreen.Inference.Lungs;

/// <summary>
/// Brings the model's Size x Size probability map back onto the original image: each original pixel centre is mapped
/// into the square through <see cref="InputGeometry"/> and the map is read there bilinearly (half-pixel centres,
/// clamped to the letterbox's content block so padding never bleeds in), then thresholded.
/// </summary>
public static class MaskResampler
{
    public static BinaryMask ToSource(float[] probability, InputGeometry geometry, double threshold)
    {
        ArgumentNullException.ThrowIfNull(probability);
        ArgumentNullException.ThrowIfNull(geometry);
        int size = geometry.Size;
        if (probability.Length != size * size)
        {
            throw new ArgumentException($"A {size}x{size} probability map needs {size * size} values, got {probability.Length}.", nameof(probability));
        }

        int rows = geometry.SourceRows, columns = geometry.SourceColumns;
        var content = geometry.Content;
        var (x0, x1, wx) = Taps(columns, c => geometry.ToSquare(c + 0.5, 0).X - 0.5, content.Left, content.Left + content.Columns - 1);
        var (y0, y1, wy) = Taps(rows, r => geometry.ToSquare(0, r + 0.5).Y - 0.5, content.Top, content.Top + content.Rows - 1);
        // Each map row's horizontal interpolation is computed once (a film has ~40 source rows per map row); the
        // vertical step then reads two of them, with the same arithmetic as interpolating per pixel.
        var across = new double[size][];
        double[] Across(int mapRow)
        {
            if (across[mapRow] is { } done)
            {
                return done;
            }

            var values = new double[columns];
            int offset = mapRow * size;
            for (int c = 0; c < columns; c++)
            {
                values[c] = probability[offset + x0[c]] + (wx[c] * (probability[offset + x1[c]] - probability[offset + x0[c]]));
            }

            return across[mapRow] = values;
        }

        var pixels = new bool[rows * columns];
        for (int r = 0; r < rows; r++)
        {
            ReadOnlySpan<double> upper = Across(y0[r]), lower = Across(y1[r]);
            double fy = wy[r];
            var line = pixels.AsSpan(r * columns, columns);
            for (int c = 0; c < line.Length; c++)
            {
                line[c] = upper[c] + (fy * (lower[c] - upper[c])) >= threshold;
            }
        }

        return new BinaryMask(columns, rows, pixels);
    }

    /// <summary>Per output index: the two neighbouring square indices and the weight of the second, clamped to [low, high].</summary>
    private static (int[] First, int[] Second, double[] Weight) Taps(int count, Func<int, double> position, int low, int high)
    {
        var first = new int[count];
        var second = new int[count];
        var weight = new double[count];
        for (int i = 0; i < count; i++)
        {
            double p = Math.Clamp(position(i), low, high);
            int f = (int)Math.Floor(p);
            first[i] = f;
            second[i] = Math.Min(f + 1, high);
            weight[i] = p - f;
        }

        return (first, second, weight);
    }
}
