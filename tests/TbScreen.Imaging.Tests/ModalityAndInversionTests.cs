using TbScreen.Imaging;

namespace TbScreen.Imaging.Tests;

public class ModalityAndInversionTests
{
    private const double Tolerance = 1e-6;

    [Fact]
    public void Monochrome1_is_inverted_after_the_window()
    {
        // 8-bit stored 60, LINEAR c=100 w=101: edges 49.5 and 149.5, y = (60 - 99.5)/100 + 0.5 = 0.105,
        // inverted afterwards: 1 - 0.105 = 0.895. Inverting the stored value first (255 - 60 = 195 > 149.5)
        // would give 1 and then 0.
        var radiograph = TestRadiographs.Gray(1, 1, [60], bitsStored: 8, photometric: "MONOCHROME1", voi: new WindowVoi(100, 101));
        Assert.Equal(0.895, RadiographPipeline.ToUnitGray(radiograph)[0], Tolerance);

        var monochrome2 = TestRadiographs.Gray(1, 1, [60], bitsStored: 8, voi: new WindowVoi(100, 101));
        Assert.Equal(0.105, RadiographPipeline.ToUnitGray(monochrome2)[0], Tolerance);
    }

    // Slope -1, intercept 1023: modality = 1023 - stored. LINEAR c=500 w=200: edges 400 and 599,
    // y = (m - 499.5) / 199 + 0.5.
    [Theory]
    [InlineData(624, 0.0)]              // m = 399
    [InlineData(623, 0.0)]              // m = 400, on the lower edge
    [InlineData(622, 1.0 / 199)]        // m = 401: -98.5/199 + 0.5 = 0.005025126
    [InlineData(523, 0.5 + 0.5 / 199)]  // m = 500: 0.502512563
    [InlineData(424, 1.0)]              // m = 599, on the upper edge
    [InlineData(0, 1.0)]                // m = 1023
    public void Negative_rescale_slope_then_window(int stored, double expected)
    {
        float[] y = TestRadiographs.UnitGray([stored], new WindowVoi(500, 200), new RescaleModalityLut(-1, 1023));
        Assert.Equal(expected, y[0], Tolerance);
    }

    [Fact]
    public void Modality_lut_table_then_window()
    {
        // Table first mapped value 10: 10->100, 11->200, 12->300, 13->400; clamps outside.
        // LINEAR_EXACT c=250 w=300: edges 100 and 400, y = (m - 250)/300 + 0.5.
        var modality = new TableModalityLut(new LookupTable(10, 16, [100, 200, 300, 400]));
        float[] y = TestRadiographs.UnitGray([5, 10, 11, 12, 13, 50], new WindowVoi(250, 300, VoiLutFunction.LinearExact), modality);
        double[] expected = [0, 0, 1.0 / 3, 2.0 / 3, 1, 1];
        Assert.Equal(expected.Length, y.Length);
        for (int i = 0; i < expected.Length; i++)
        {
            Assert.Equal(expected[i], y[i], Tolerance);
        }
    }

    [Fact]
    public void Voi_lut_table_is_scaled_by_its_bits_per_entry()
    {
        // 8 bits per entry: output / 255. Entries 0, 51, 255 -> 0, 0.2, 1; inputs past the end clamp to the last.
        var voi = new TableVoi(new LookupTable(0, 8, [0, 51, 255]));
        Assert.Equal([0f, 0.2f, 1f, 1f], TestRadiographs.UnitGray([0, 1, 2, 7], voi));

        // The VOI LUT is indexed by the modality value: stored 1 * 2 = 2 -> 255 -> 1.
        Assert.Equal([1f], TestRadiographs.UnitGray([1], voi, new RescaleModalityLut(2, 0)));
    }

    [Fact]
    public void Rgb_is_converted_to_bt601_luma_and_scaled_without_voi()
    {
        // 8-bit (255, 0, 0): 0.299 * 255 / 255 = 0.299; (10, 20, 30): (2.99 + 11.74 + 3.42) / 255 = 18.15 / 255.
        var layout = new PixelLayout(1, 2, 3, 8, false, "RGB");
        var radiograph = new Radiograph(layout, [255, 0, 0, 10, 20, 30], new RadiographMetadata());
        float[] y = RadiographPipeline.ToUnitGray(radiograph);
        Assert.Equal(0.299, y[0], Tolerance);
        Assert.Equal(18.15 / 255, y[1], Tolerance);
    }

    [Fact]
    public void Unsupported_photometric_interpretation_names_the_source()
    {
        var layout = new PixelLayout(1, 1, 3, 8, false, "YBR_FULL");
        var radiograph = new Radiograph(layout, [1, 2, 3], new RadiographMetadata()) { Source = "scan.dcm" };
        var error = Assert.Throws<ImageDecodeException>(() => RadiographPipeline.ToUnitGray(radiograph));
        Assert.Equal("scan.dcm", error.FilePath);
        Assert.Contains("YBR_FULL", error.Message);
    }
}
