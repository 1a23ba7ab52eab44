using TbScreen.Imaging;

namespace TbScreen.Imaging.Tests;

public class VoiWindowTests
{
    private const double Tolerance = 1e-6;

    // LINEAR c=2048 w=4096: lower edge c-0.5-(w-1)/2 = 2047.5-2047.5 = 0, upper edge 2047.5+2047.5 = 4095,
    // y = (x - 2047.5) / 4095 + 0.5.
    [Theory]
    [InlineData(-5, 0.0)]
    [InlineData(0, 0.0)]                  // exactly on the lower edge: x <= edge -> ymin
    [InlineData(1, 1.0 / 4095)]           // (1 - 2047.5)/4095 + 0.5 = 0.000244200
    [InlineData(2048, 0.5 + 0.5 / 4095)]  // 0.500122100
    [InlineData(4095, 1.0)]               // exactly on the upper edge: not > edge, formula gives 2047.5/4095+0.5 = 1
    [InlineData(4096, 1.0)]
    public void Linear_full_12_bit_window(int x, double expected)
    {
        float[] y = TestRadiographs.UnitGray([x], new WindowVoi(2048, 4096));
        Assert.Equal(expected, y[0], Tolerance);
    }

    // LINEAR c=40 w=400: edges 39.5 -/+ 199.5 = -160 and 239, y = (x - 39.5) / 399 + 0.5.
    [Theory]
    [InlineData(-161, 0.0)]
    [InlineData(-160, 0.0)]                // on the lower edge
    [InlineData(-159, 1.0 / 399)]          // -198.5/399 + 0.5 = 0.002506266
    [InlineData(40, 0.5 + 0.5 / 399)]      // 0.501253133
    [InlineData(239, 1.0)]                 // on the upper edge: 199.5/399 + 0.5
    [InlineData(240, 1.0)]
    public void Linear_soft_tissue_window(int x, double expected)
    {
        float[] y = TestRadiographs.UnitGray([x], new WindowVoi(40, 400));
        Assert.Equal(expected, y[0], Tolerance);
    }

    // LINEAR_EXACT c=40 w=400: edges 40 -/+ 200 = -160 and 240, y = (x - 40) / 400 + 0.5.
    [Theory]
    [InlineData(-160, 0.0)]
    [InlineData(-159, 0.0025)]  // -199/400 + 0.5
    [InlineData(40, 0.5)]
    [InlineData(140, 0.75)]
    [InlineData(240, 1.0)]      // on the upper edge: 200/400 + 0.5
    [InlineData(241, 1.0)]
    public void Linear_exact(int x, double expected)
    {
        float[] y = TestRadiographs.UnitGray([x], new WindowVoi(40, 400, VoiLutFunction.LinearExact));
        Assert.Equal(expected, y[0], Tolerance);
    }

    // SIGMOID c=40 w=400: y = 1 / (1 + exp(-4 (x - 40) / 400)); x=140 -> 1/(1+e^-1) = 0.7310585786.
    [Theory]
    [InlineData(40, 0.5)]
    [InlineData(140, 0.7310585786)]
    [InlineData(-60, 0.2689414214)]
    public void Sigmoid(int x, double expected)
    {
        float[] y = TestRadiographs.UnitGray([x], new WindowVoi(40, 400, VoiLutFunction.Sigmoid));
        Assert.Equal(expected, y[0], Tolerance);
    }

    [Fact]
    public void Linear_width_below_one_is_unusable_and_falls_back()
    {
        // Width 0.5 is forbidden for LINEAR; the fallback spans the data: 0 -> 0, 10 -> 1.
        float[] y = TestRadiographs.UnitGray([0, 5, 10], new WindowVoi(5, 0.5));
        Assert.Equal([0f, 0.5f, 1f], y);
    }

    [Fact]
    public void Width_one_is_a_threshold()
    {
        // c=10 w=1: both edges are 9.5, so 9 -> 0 and 10 -> 1.
        Assert.Equal([0f, 1f], TestRadiographs.UnitGray([9, 10], new WindowVoi(10, 1)));
    }

    [Theory]
    [InlineData(null, VoiLutFunction.Linear)]
    [InlineData("", VoiLutFunction.Linear)]
    [InlineData("LINEAR", VoiLutFunction.Linear)]
    [InlineData("LINEAR_EXACT", VoiLutFunction.LinearExact)]
    [InlineData(" sigmoid ", VoiLutFunction.Sigmoid)]
    [InlineData("VENDOR_CURVE", VoiLutFunction.Linear)]
    public void Parses_voi_lut_function(string? text, VoiLutFunction expected)
    {
        Assert.Equal(expected, VoiLutFunctionParser.Parse(text));
    }
}
