using TbScreen.Imaging;
using TbScreen.Inference.Lungs;

namespace TbScreen.Inference.Tests.Lungs;

public sealed class MaskResamplerTests
{
    [Fact]
    public void Upsampling_reads_the_map_bilinearly_at_half_pixel_centres()
    {
        // 8x8 original, 4x4 map: original column c reads map x = (c + 0.5) / 2 - 0.5, clamped to [0, 3].
        // Along x the map is 0, 1, 1, 0: c = 0..7 reads -0.25→0, 0.25→0.25, 0.75→0.75, 1.25→1, 1.75→1, 2.25→1, 2.75→0.25, 3.25→0.
        var row = new float[] { 0, 1, 1, 0 };
        var map = Enumerable.Repeat(row, 4).SelectMany(r => r).ToArray();
        var geometry = new InputGeometry(8, 8, new PixelRect(0, 0, 8, 8), 4, new PixelRect(0, 0, 4, 4));

        var mask = MaskResampler.ToSource(map, geometry, 0.5);

        Assert.Equal(8, mask.Width);
        Assert.Equal(8, mask.Height);
        Assert.All(MaskDrawing.Render(mask), r => Assert.Equal("..####..", r));
    }

    [Fact]
    public void Letterbox_padding_never_reaches_the_mask()
    {
        // A 2-row, 4-column image in a 4x4 square: content rows 1-2; rows 0 and 3 are padding, here set to 1.
        float[] map =
        [
            1, 1, 1, 1,
            0, 0.6f, 0.4f, 0,
            0.2f, 0.9f, 0.5f, 0.1f,
            1, 1, 1, 1,
        ];
        var geometry = new InputGeometry(2, 4, new PixelRect(0, 0, 2, 4), 4, new PixelRect(1, 0, 2, 4));

        var mask = MaskResampler.ToSource(map, geometry, 0.5);

        Assert.Equal([".#..", ".##."], MaskDrawing.Render(mask));
    }

    /// <summary>
    /// Against bilinear interpolation written out per pixel from the geometry (the definition): a random map, a
    /// letterboxed film taller than wide and one wider than tall, several thresholds. Exact: every pixel must agree.
    /// </summary>
    [Theory]
    [InlineData(61, 37)]
    [InlineData(23, 90)]
    public void Every_pixel_agrees_with_bilinear_interpolation_written_out_per_pixel(int rows, int columns)
    {
        const int size = 16;
        var random = new Random(rows * 1000 + columns);
        float[] map = Enumerable.Range(0, size * size).Select(_ => (float)random.NextDouble()).ToArray();
        var content = rows >= columns
            ? new PixelRect(0, (size - (int)Math.Round(columns * (double)size / rows)) / 2, size, (int)Math.Round(columns * (double)size / rows))
            : new PixelRect((size - (int)Math.Round(rows * (double)size / columns)) / 2, 0, (int)Math.Round(rows * (double)size / columns), size);
        var geometry = new InputGeometry(rows, columns, new PixelRect(0, 0, rows, columns), size, content);

        foreach (double threshold in new[] { 0.3, 0.5, 0.7 })
        {
            var mask = MaskResampler.ToSource(map, geometry, threshold);
            for (int r = 0; r < rows; r++)
            {
                for (int c = 0; c < columns; c++)
                {
                    var (sx, sy) = geometry.ToSquare(c + 0.5, r + 0.5);
                    double x = Math.Clamp(sx - 0.5, content.Left, content.Left + content.Columns - 1);
                    double y = Math.Clamp(sy - 0.5, content.Top, content.Top + content.Rows - 1);
                    int x0 = (int)Math.Floor(x), y0 = (int)Math.Floor(y);
                    int x1 = Math.Min(x0 + 1, content.Left + content.Columns - 1), y1 = Math.Min(y0 + 1, content.Top + content.Rows - 1);
                    double upper = map[(y0 * size) + x0] + ((x - x0) * (map[(y0 * size) + x1] - map[(y0 * size) + x0]));
                    double lower = map[(y1 * size) + x0] + ((x - x0) * (map[(y1 * size) + x1] - map[(y1 * size) + x0]));
                    Assert.True(mask.Pixels[(r * columns) + c] == (upper + ((y - y0) * (lower - upper)) >= threshold), $"pixel ({r}, {c}) at threshold {threshold}");
                }
            }
        }
    }
}
