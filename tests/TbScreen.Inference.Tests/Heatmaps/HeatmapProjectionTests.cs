using TbScreen.Imaging;
using TbScreen.Inference.Heatmaps;

namespace TbScreen.Inference.Tests.Heatmaps;

public class HeatmapProjectionTests
{
    [Fact]
    public void One_hot_cell_lands_on_the_original_pixels_it_came_from()
    {
        // A 20 x 10 image letterboxed into 10: content columns 2..6, scale 0.5. Original pixel (r, c) has its centre
        // at square x = 2 + (c + 0.5) / 2, sampled at index x - 0.5 = 1.75 + c / 2; likewise y index = r / 2 - 0.25.
        // Cell (row 4, col 3) = 1 therefore weighs 0.25, 0.75, 0.75, 0.25 on columns 1..4 and rows 7..10. The
        // padding columns are 1 too: they must neither show nor bleed into column 0 (index 1.75 clamps to 2).
        var geometry = new InputGeometry(20, 10, new PixelRect(0, 0, 20, 10), 10, new PixelRect(0, 2, 10, 5));
        var square = new float[100];
        square[(4 * 10) + 3] = 1;
        for (int r = 0; r < 10; r++)
        {
            foreach (int c in new[] { 0, 1, 7, 8, 9 })
            {
                square[(r * 10) + c] = 1;
            }
        }

        var projected = HeatmapProjection.ToSource(new Heatmap(10, 10, square), geometry, DisplayGrid.For(20, 10, 1024));

        Assert.Equal((10, 20), (projected.Width, projected.Height));
        double[] wx = [0, 0.25, 0.75, 0.75, 0.25, 0, 0, 0, 0, 0];
        for (int r = 0; r < 20; r++)
        {
            double wy = r switch { 7 or 10 => 0.25, 8 or 9 => 0.75, _ => 0 };
            for (int c = 0; c < 10; c++)
            {
                Assert.Equal(wy * wx[c], projected.Values[(r * 10) + c], 1e-6);
            }
        }
    }

    [Fact]
    public void Cropped_pixels_are_zero_and_the_output_follows_the_display_grid()
    {
        // 20 x 20 cropped to rows 4..19, columns 2..19, into 9 (content 8 x 9 at the origin). maxSize 10: step 2,
        // so output (r, c) shows original (2r, 2c), inside the crop when 2c >= 2 and 2r >= 4.
        var geometry = new InputGeometry(20, 20, new PixelRect(4, 2, 16, 18), 9, new PixelRect(0, 0, 8, 9));
        var projected = HeatmapProjection.ToSource(new Heatmap(9, 9, Enumerable.Repeat(1f, 81).ToArray()), geometry, DisplayGrid.For(20, 20, 10));

        Assert.Equal((10, 10), (projected.Width, projected.Height));
        for (int r = 0; r < 10; r++)
        {
            for (int c = 0; c < 10; c++)
            {
                Assert.Equal(r >= 2 && c >= 1 ? 1f : 0f, projected.Values[(r * 10) + c]);
            }
        }
    }

    [Fact]
    public void A_heatmap_of_another_size_is_refused()
    {
        var geometry = new InputGeometry(4, 4, new PixelRect(0, 0, 4, 4), 4, new PixelRect(0, 0, 4, 4));
        var error = Assert.Throws<ArgumentException>(() => HeatmapProjection.ToSource(new Heatmap(3, 3, new float[9]), geometry, DisplayGrid.For(4, 4, 16)));
        Assert.Contains("4x4", error.Message);
    }
}
