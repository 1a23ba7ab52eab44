using TbScreen.Imaging;

namespace TbScreen.Imaging.Tests;

public class FallbackWindowTests
{
    [Fact]
    public void Uniform_border_is_ignored_and_percentiles_span_the_interior()
    {
        // 10x10: a one-pixel frame of 0 around an 8x8 interior holding 100..163.
        // Interior: 64 values, nearest rank ceil(0.005*64) = 1 -> 100, ceil(0.995*64) = 64 -> 163.
        // Window: w = 163 - 100 + 1 = 64, c = (100 + 163)/2 + 0.5 = 132 (edges land on 100 and 163).
        // Counting the frame (36 zeros) would have put the low percentile at 0.
        int[] stored = new int[100];
        int next = 100;
        for (int r = 1; r < 9; r++)
        {
            for (int c = 1; c < 9; c++)
            {
                stored[(r * 10) + c] = next++;
            }
        }

        var radiograph = TestRadiographs.Gray(10, 10, stored);
        WindowVoi window = RadiographPipeline.EstimateFallbackWindow(radiograph);
        Assert.Equal(new WindowVoi(132, 64, VoiLutFunction.Linear), window);

        float[] y = RadiographPipeline.ToUnitGray(radiograph);
        Assert.Equal(0f, y[11]);                        // 100 -> on the lower edge
        Assert.Equal(31.0 / 63, y[(4 * 10) + 8], 1e-6); // 131: (131 - 131.5)/63 + 0.5 = 31/63
        Assert.Equal(1f, y[88]);                        // 163 -> upper edge
        Assert.Equal(0f, y[0]);                         // the frame is below the window
    }

    [Fact]
    public void Outliers_beyond_the_percentiles_are_clipped()
    {
        // 1 x 1000: values 1..998 plus one 0 and one 65535. Rank ceil(5) = 5 -> value 4; rank ceil(995) = 995 -> 994.
        int[] stored = Enumerable.Range(0, 1000).ToArray();
        stored[999] = 65535;
        WindowVoi window = RadiographPipeline.EstimateFallbackWindow(TestRadiographs.Gray(1, 1000, stored));
        Assert.Equal(new WindowVoi(499.5, 991, VoiLutFunction.Linear), window);
    }

    [Fact]
    public void Percentiles_follow_a_decreasing_modality_lut()
    {
        // Slope -1: stored 0..9 become modality 9..0; the window must be on modality values (0..9).
        int[] stored = Enumerable.Range(0, 10).ToArray();
        var radiograph = TestRadiographs.Gray(1, 10, stored, modality: new RescaleModalityLut(-1, 9));
        Assert.Equal(new WindowVoi(5, 10, VoiLutFunction.Linear), RadiographPipeline.EstimateFallbackWindow(radiograph));
        float[] y = RadiographPipeline.ToUnitGray(radiograph);
        Assert.Equal(1f, y[0]);
        Assert.Equal(0f, y[9]);
    }

    [Fact]
    public void Uniform_image_becomes_black_without_dividing_by_zero()
    {
        var radiograph = TestRadiographs.Gray(4, 4, Enumerable.Repeat(700, 16).ToArray());
        Assert.All(RadiographPipeline.ToUnitGray(radiograph), v => Assert.Equal(0f, v));
    }
}
