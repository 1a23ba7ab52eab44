using TbScreen.Onnx.Graph;

namespace TbScreen.Onnx.Tests;

public class PoolTests
{
    private static readonly float[] OneToTwentyFive = Enumerable.Range(1, 25).Select(v => (float)v).ToArray();

    [Fact]
    public void MaxPool_ceil_mode_keeps_the_partial_last_window()
    {
        var g = new OnnxGraphBuilder(false);
        var y = g.MaxPool(g.Input("input", 1, 5, 5), "pool", kernel: 2, stride: 2, ceilMode: true);

        var result = OrtRunner.RunGraph(g, OneToTwentyFive, [1, 1, 5, 5], y)["y0"];

        Assert.Equal([1L, 1, 3, 3], result.Shape);
        Assert.Equal([7f, 9, 10, 17, 19, 20, 22, 24, 25], result.Data);
    }

    [Fact]
    public void MaxPool_ceil_mode_drops_a_window_that_would_start_in_the_padding_as_PyTorch_does()
    {
        // 5 + 2*1 padding, kernel 2, stride 2: ceil gives 4 windows, but the 4th starts at 6 >= 5 + 1, so PyTorch keeps 3.
        // ONNX Runtime's kernel agrees; ONNX's static shape inference says 4 and logs a warning (GoogLeNet never pads a
        // stride-2 pool, so exported nets never hit this case).
        var g = new OnnxGraphBuilder(false);
        var y = g.MaxPool(g.Input("input", 1, 5, 5), "pool", kernel: 2, stride: 2, pad: 1, ceilMode: true);
        Assert.Equal(3, y.Height);

        var result = OrtRunner.RunGraph(g, OneToTwentyFive, [1, 1, 5, 5], y)["y0"];

        Assert.Equal([1L, 1, 3, 3], result.Shape);
        Assert.Equal([1f, 3, 5, 11, 13, 15, 21, 23, 25], result.Data);
    }

    [Fact]
    public void MaxPool_floor_mode_drops_the_partial_window()
    {
        var g = new OnnxGraphBuilder(false);
        var y = g.MaxPool(g.Input("input", 1, 5, 5), "pool", kernel: 2, stride: 2);

        var result = OrtRunner.RunGraph(g, OneToTwentyFive, [1, 1, 5, 5], y)["y0"];

        Assert.Equal([7f, 9, 17, 19], result.Data);
    }

    [Fact]
    public void Inception_branch_pool_keeps_the_size_with_padding_one()
    {
        var g = new OnnxGraphBuilder(false);
        var y = g.MaxPool(g.Input("input", 1, 5, 5), "pool", kernel: 3, stride: 1, pad: 1, ceilMode: true);

        var result = OrtRunner.RunGraph(g, OneToTwentyFive, [1, 1, 5, 5], y)["y0"];

        Assert.Equal([1L, 1, 5, 5], result.Shape);
        Assert.Equal(7f, result.Data[0]);   // max of {1,2,6,7}
        Assert.Equal(25f, result.Data[24]);
    }

    [Fact]
    public void Global_average_pool_is_the_mean()
    {
        var g = new OnnxGraphBuilder(false);
        var y = g.GlobalAveragePool(g.Input("input", 1, 5, 5), "gap");

        var result = OrtRunner.RunGraph(g, OneToTwentyFive, [1, 1, 5, 5], y)["y0"];

        Assert.Equal([1L, 1, 1, 1], result.Shape);
        Assert.Equal(13f, result.Data[0], 5);
    }

    [Theory]
    [InlineData(6, 6)]    // AlexNet at 224: identity
    [InlineData(12, 12)]  // divides evenly: AveragePool
    [InlineData(13, 13)]  // uneven overlapping bins: MatMul
    [InlineData(2, 3)]    // smaller than 6: bins repeat
    [InlineData(1, 1)]    // AlexNet at 64x64
    public void Adaptive_average_pool_to_6x6_matches_PyTorch_bins(int h, int w)
    {
        var rng = new Random(3);
        const int c = 2;
        var x = NaiveOps.Random(rng, c * h * w);
        var g = new OnnxGraphBuilder(false);
        var input = g.Input("input", c, h, w);
        var y = g.AdaptiveAvgPool(input, "avgpool", 6, 6);
        if (h == 6) Assert.Same(input, y);

        var result = OrtRunner.RunGraph(g, x, [1, c, h, w], y)["y0"];

        Assert.Equal([1L, c, 6, 6], result.Shape);
        Assert.True(OrtRunner.MaxAbsDiff(NaiveOps.AdaptiveAvgPool(x, c, h, w, 6, 6), result.Data) < 1e-6f);
    }

    [Fact]
    public void Too_small_an_input_fails_at_export_with_the_layer_name()
    {
        var g = new OnnxGraphBuilder(false);
        var ex = Assert.Throws<OnnxExportException>(() => g.MaxPool(g.Input("input", 1, 2, 2), "features.2", kernel: 3, stride: 2));
        Assert.Contains("features.2", ex.Message);
    }
}
