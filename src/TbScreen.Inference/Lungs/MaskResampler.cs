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
        var pixels = new bool[rows * columns];
        for (int r = 0; r < rows; r++)
        {
            int top = y0[r] * size, bottom = y1[r] * size;
            double fy = wy[r];
            for (int c = 0; c < columns; c++)
            {
                double upper = probability[top + x0[c]] + (wx[c] * (probability[top + x1[c]] - probability[top + x0[c]]));
                double lower = probability[bottom + x0[c]] + (wx[c] * (probability[bottom + x1[c]] - probability[bottom + x0[c]]));
                pixels[(r * columns) + c] = upper + (fy * (lower - upper)) >= threshold;
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
