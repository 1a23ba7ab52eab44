using TbScreen.Onnx.Graph;

namespace TbScreen.Onnx.Tests;

public class LayerTests
{
    private static BatchNormWeights Bn() => new(
        new Weight("bn.weight", [1f, 2f], [2]), new Weight("bn.bias", [0.5f, 0f], [2]),
        new Weight("bn.running_mean", [1f, -1f], [2]), new Weight("bn.running_var", [3f, 0.99f], [2]), 0.001);

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public void Conv_then_BatchNorm_folded_or_not_matches_the_formula(bool fold)
    {
        // 1x1 conv with weights [2, -1] on one channel, then y = gamma * (z - mean) / sqrt(var + eps) + beta.
        float[] x = [1f, -2f, 0.5f, 4f];
        var g = new OnnxGraphBuilder(false);
        var y = g.ConvBatchNorm(g.Input("input", 1, 2, 2), "conv", new Weight("conv.weight", [2f, -1f], [2, 1, 1, 1]), Bn(), fold);

        var result = OrtRunner.RunGraph(g, x, [1, 1, 2, 2], y)["y0"];

        var expected = new float[8];
        for (int i = 0; i < 4; i++)
        {
            expected[i] = (float)(1 * (2 * x[i] - 1) / Math.Sqrt(3.001) + 0.5);
            expected[4 + i] = (float)(2 * (-x[i] + 1) / Math.Sqrt(0.991));
        }
        Assert.True(OrtRunner.MaxAbsDiff(expected, result.Data) < 1e-5f);
    }

    [Fact]
    public void Folding_produces_a_bias_named_after_the_conv()
    {
        var (w, b) = BatchNormFolding.Fold(new Weight("inception3a.branch1.conv.weight", [2f, -1f], [2, 1, 1, 1]), null, Bn());
        Assert.Equal("inception3a.branch1.conv.bias", b.Name);
        Assert.Equal(2 / Math.Sqrt(3.001), w.Data[0], 6);
        Assert.Equal(-1 / Math.Sqrt(3.001) + 0.5, b.Data[0], 6);
    }

    [Fact]
    public void Linear_is_Gemm_with_the_PyTorch_weight_layout()
    {
        // x = [[1, 2, 3]], W = [[1, 0, -1], [0.5, 0.5, 0.5]], b = [10, -1]: y = [10 - 2, -1 + 3].
        var g = new OnnxGraphBuilder(false);
        var flat = g.Flatten(g.Input("input", 3, 1, 1), "flatten");
        var y = g.Linear(flat, "fc", new Weight("fc.weight", [1f, 0f, -1f, 0.5f, 0.5f, 0.5f], [2, 3]), new Weight("fc.bias", [10f, -1f], [2]));

        var result = OrtRunner.RunGraph(g, [1f, 2f, 3f], [1, 3, 1, 1], y)["y0"];

        Assert.Equal([1L, 2], result.Shape);
        Assert.Equal([8f, 2f], result.Data);
    }

    [Fact]
    public void Linear_refuses_a_width_mismatch()
    {
        var g = new OnnxGraphBuilder(false);
        var flat = g.Flatten(g.Input("input", 3, 2, 2), "flatten");
        var ex = Assert.Throws<OnnxExportException>(() => g.Linear(flat, "fc", new Weight("fc.weight", new float[6], [2, 3]), new Weight("fc.bias", new float[2], [2])));
        Assert.Contains("expects 3 inputs", ex.Message);
    }

    [Fact]
    public void Concat_stacks_channels_in_branch_order()
    {
        // Branch a: identity-like 1x1 conv (1 channel); branch b: 2 channels scaled by 2 and 3.
        var g = new OnnxGraphBuilder(false);
        var x = g.Input("input", 1, 1, 2);
        var a = g.Conv(x, "a", new Weight("a.weight", [1f], [1, 1, 1, 1]), null);
        var b = g.Conv(x, "b", new Weight("b.weight", [2f, 3f], [2, 1, 1, 1]), null);
        var y = g.Concat("cat", a, b);
        Assert.Equal(3, y.Channels);

        var result = OrtRunner.RunGraph(g, [1f, 10f], [1, 1, 1, 2], y)["y0"];

        Assert.Equal([1L, 3, 1, 2], result.Shape);
        Assert.Equal([1f, 10f, 2f, 20f, 3f, 30f], result.Data);
    }

    [Fact]
    public void Softmax_over_two_classes()
    {
        var g = new OnnxGraphBuilder(false);
        var y = g.Softmax(g.Flatten(g.Input("input", 2, 1, 1), "flatten"), "softmax");

        var result = OrtRunner.RunGraph(g, [0f, MathF.Log(3f), 1f, 1f], [2, 2, 1, 1], y)["y0"];

        Assert.Equal([0.25f, 0.75f, 0.5f, 0.5f], result.Data.Select(v => MathF.Round(v, 6)));
    }

    [Fact]
    public void Relu_and_channel_affine()
    {
        var g = new OnnxGraphBuilder(false);
        var y = g.Relu(g.ChannelAffine(g.Input("input", 2, 1, 1), "affine", [2f, -1f], [1f, 0f]));

        var result = OrtRunner.RunGraph(g, [-3f, 4f], [1, 2, 1, 1], y)["y0"];

        Assert.Equal([0f, 0f], result.Data); // relu(-3*2+1) = 0, relu(4*-1+0) = 0
    }

    [Fact]
    public void Float16_weights_round_to_nearest_and_run_through_Cast()
    {
        float[] weight = [1f / 3f, -2.5f, 1000.1f, 1e-3f];
        var g = new OnnxGraphBuilder(float16Weights: true);
        var y = g.Conv(g.Input("input", 1, 1, 1), "conv", new Weight("w", weight, [4, 1, 1, 1]), new Weight("b", [0.1f, 0, 0, 0], [4]));
        Assert.Contains(g.Graph.Node, n => n.OpType == "Cast");
        Assert.Equal(10, g.Graph.Initializer.Single(t => t.Name == "w_fp16").DataType); // FLOAT16
        Assert.Equal(1, g.Graph.Initializer.Single(t => t.Name == "b").DataType);       // biases stay float32

        var result = OrtRunner.RunGraph(g, [1f], [1, 1, 1, 1], y)["y0"];

        float[] expected = [.. weight.Select(v => (float)(Half)v)];
        expected[0] += 0.1f;
        Assert.Equal(expected, result.Data);
    }

    [Fact]
    public void Float16_refuses_values_beyond_its_range()
    {
        var g = new OnnxGraphBuilder(float16Weights: true);
        Assert.Throws<OnnxExportException>(() => g.Constant("w", [1e6f, 0f], [1, 2]));
    }
}
