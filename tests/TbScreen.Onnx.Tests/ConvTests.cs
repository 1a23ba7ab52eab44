using TbScreen.Onnx.Graph;

namespace TbScreen.Onnx.Tests;

public class ConvTests
{
    [Fact]
    public void Conv_with_stride_and_padding_matches_hand_computed_sums()
    {
        // 4x4 input 1..16, 3x3 ones, stride 2, pad 1: each output is the sum of the window that lies inside, plus 0.5.
        var x = Enumerable.Range(1, 16).Select(v => (float)v).ToArray();
        var g = new OnnxGraphBuilder(float16Weights: false);
        var y = g.Conv(g.Input("input", 1, 4, 4), "conv", new Weight("w", Enumerable.Repeat(1f, 9).ToArray(), [1, 1, 3, 3]),
            new Weight("b", [0.5f], [1]), stride: 2, pad: 1);

        var result = OrtRunner.RunGraph(g, x, [1, 1, 4, 4], y)["y0"];

        Assert.Equal([1L, 1, 2, 2], result.Shape);
        Assert.Equal([14.5f, 30.5f, 57.5f, 99.5f], result.Data);
    }

    [Theory]
    [InlineData(1, 1, 1)]
    [InlineData(2, 1, 2)]
    [InlineData(1, 2, 1)]
    [InlineData(2, 2, 4)]
    public void Conv_with_stride_dilation_and_groups_matches_the_naive_loop(int stride, int dilation, int groups)
    {
        var rng = new Random(7);
        const int c = 4, h = 9, w = 8, outC = 4, k = 3, pad = 1;
        var x = NaiveOps.Random(rng, c * h * w);
        var weight = NaiveOps.Random(rng, outC * (c / groups) * k * k);
        var bias = NaiveOps.Random(rng, outC);
        var g = new OnnxGraphBuilder(false);
        var y = g.Conv(g.Input("input", c, h, w), "conv", new Weight("w", weight, [outC, c / groups, k, k]), new Weight("b", bias, [outC]),
            stride, pad, dilation, groups);

        var expected = NaiveOps.Conv2d(x, c, h, w, weight, outC, k, bias, stride, pad, dilation, groups, out int oh, out int ow);
        var result = OrtRunner.RunGraph(g, x, [1, c, h, w], y)["y0"];

        Assert.Equal([1L, outC, oh, ow], result.Shape);
        Assert.Equal([outC, oh, ow], new[] { y.Channels, y.Height, y.Width });
        Assert.True(OrtRunner.MaxAbsDiff(expected, result.Data) < 1e-5f);
    }

    [Fact]
    public void Conv_refuses_a_weight_whose_input_channels_do_not_match()
    {
        var g = new OnnxGraphBuilder(false);
        var ex = Assert.Throws<OnnxExportException>(() =>
            g.Conv(g.Input("input", 3, 8, 8), "conv", new Weight("features.0.weight", new float[2 * 4 * 9], [2, 4, 3, 3]), null));
        Assert.Contains("features.0.weight", ex.Message);
    }
}
