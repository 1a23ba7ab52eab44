using TbScreen.Imaging;

namespace TbScreen.Inference.Heatmaps;

/// <summary>
/// Maps a heatmap over the model's Size x Size input back onto the original radiograph, on the viewer's
/// <see cref="DisplayGrid"/>, so it overlays the rendered image pixel for pixel despite the border crop and the
/// letterbox or stretch.
/// </summary>
public static class HeatmapProjection
{
    /// <summary>
    /// Each output pixel samples the square at the centre of the original pixel the rendering shows there:
    /// bilinear with half-pixel centres, neighbours clamped to the content block so padding never bleeds in.
    /// Zero where that pixel was cropped away (it never reached the model) or lands in letterbox padding.
    /// </summary>
    public static Heatmap ToSource(Heatmap square, InputGeometry geometry, DisplayGrid grid)
    {
        ArgumentNullException.ThrowIfNull(square);
        ArgumentNullException.ThrowIfNull(geometry);
        if (square.Width != geometry.Size || square.Height != geometry.Size || square.Values.Length != square.Width * square.Height)
        {
            throw new ArgumentException(
                $"Heatmap {square.Width}x{square.Height} ({square.Values.Length} values) is not the model input's {geometry.Size}x{geometry.Size}.",
                nameof(square));
        }

        var values = new float[grid.Rows * grid.Columns];
        PixelRect content = geometry.Content;
        for (int r = 0; r < grid.Rows; r++)
        {
            double y = (r * grid.Step) + 0.5;
            for (int c = 0; c < grid.Columns; c++)
            {
                double x = (c * grid.Step) + 0.5;
                if (!geometry.Crop.Contains(x, y))
                {
                    continue;
                }

                var (sx, sy) = geometry.ToSquare(x, y);
                if (content.Contains(sx, sy))
                {
                    values[(r * grid.Columns) + c] = Sample(square, content, sx - 0.5, sy - 0.5);
                }
            }
        }

        return new Heatmap(grid.Columns, grid.Rows, values);
    }

    /// <summary>Bilinear at (x, y) in pixel-index coordinates, indices clamped to <paramref name="content"/>.</summary>
    private static float Sample(Heatmap map, PixelRect content, double x, double y)
    {
        var (x0, x1, fx) = Neighbours(x, content.Left, content.Left + content.Columns - 1);
        var (y0, y1, fy) = Neighbours(y, content.Top, content.Top + content.Rows - 1);
        double top = Lerp(map.Values[(y0 * map.Width) + x0], map.Values[(y0 * map.Width) + x1], fx);
        double bottom = Lerp(map.Values[(y1 * map.Width) + x0], map.Values[(y1 * map.Width) + x1], fx);
        return (float)Lerp(top, bottom, fy);
    }

    private static (int Low, int High, double Fraction) Neighbours(double position, int first, int last)
    {
        double p = Math.Clamp(position, first, last);
        int low = (int)Math.Floor(p);
        int high = Math.Min(low + 1, last);
        return (low, high, p - low);
    }

    private static double Lerp(double a, double b, double t) => a + ((b - a) * t);
}
