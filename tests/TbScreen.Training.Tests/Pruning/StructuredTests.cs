using TbScreen.Training.Models;
using TbScreen.Training.Pruning;
using TbScreen.Training.Tests.Fixtures;
using TorchSharp;
using static TorchSharp.torch;

namespace TbScreen.Training.Tests.Pruning;

public class StructuredTests
{
    [Theory]
    [InlineData(ModelFactory.AlexNet, 64)]
    [InlineData(ModelFactory.GoogLeNet, 40)]
    public void Rebuilt_smaller_net_gives_the_masked_nets_outputs(string arch, int size)
    {
        using var generator = new Generator(31);
        var baseOptions = new ModelOptions { AlexNetHidden = 48 };
        var dense = baseOptions with { Widths = ChannelPruner.WidthsAfter(arch, baseOptions, new Dictionary<string, long[]>()) };
        using var masked = ModelFactory.Create(arch, dense);
        SeededInit.Apply(masked, generator);
        RandomiseBatchNorm(masked, generator);
        var keep = ChannelPruner.SelectByL1(masked, arch, dense, 0.3);
        var smallerOptions = dense with { Widths = ChannelPruner.WidthsAfter(arch, dense, keep) };
        using var scope = NewDisposeScope();
        using var smaller = ChannelPruner.Build(arch, smallerOptions, ChannelPruner.Slice(masked.state_dict(), arch, dense, keep));
        ChannelPruner.ZeroRemoved(masked, arch, dense, keep);
        masked.eval();
        smaller.eval();

        var input = randn([2, 3, size, size], generator: generator);
        using var noGrad = no_grad();
        var expected = masked.forward(input);
        var actual = smaller.forward(input);
        float diff = (expected - actual).abs().max().item<float>();
        Assert.True(diff < 1e-4f, $"rebuilt {arch} differs from the masked one by {diff}");
        Assert.True(expected.abs().max().item<float>() > 1e-3f, "the outputs are not trivially zero");
        Assert.True(ChannelPruner.PrunableWeightCount(smaller) < 0.75 * ChannelPruner.PrunableWeightCount(masked));
    }

    [Fact]
    public void GoogLeNet_concat_bookkeeping_drops_the_right_input_columns()
    {
        var options = new ModelOptions { Widths = new Dictionary<string, int>() };
        var layers = ChannelTopology.For(ModelFactory.GoogLeNet, options);
        // inception3b reads 3a's concat: branch1 (64) | branch2.1 (128) | branch3.1 (32) | branch4.1 (32).
        var keep = new Dictionary<string, long[]> { ["inception3a.branch2.1"] = [0, 5, 127], ["inception3a.branch4.1"] = [31] };
        using var scope = NewDisposeScope();
        var state = new Dictionary<string, Tensor>();
        foreach (var layer in layers)
        {
            string name = ChannelPruner.WeightName(ModelFactory.GoogLeNet, layer);
            int inputs = ChannelTopology.InputWidth(layers, layer);
            // Each weight's input column holds its own index, so the sliced columns say which were kept.
            state[name] = arange(inputs).to_type(ScalarType.Float32).view(1, inputs).expand(layer.Width, inputs).contiguous();
        }

        var sliced = ChannelPruner.Slice(state, ModelFactory.GoogLeNet, options, keep);
        var columns = sliced["inception3b.branch1.conv.weight"][0].data<float>().ToArray();
        float[] expected = [.. Enumerable.Range(0, 64).Select(i => (float)i), 64, 69, 191, .. Enumerable.Range(192, 32).Select(i => (float)i), 255];
        Assert.Equal(expected, columns);
        Assert.Equal(3, sliced["inception3a.branch2.1.conv.weight"].shape[0]);
    }

    [Fact]
    public void Every_layer_keeps_at_least_one_channel()
    {
        var options = new ModelOptions { AlexNetHidden = 4, Widths = new Dictionary<string, int> { ["features.0"] = 1, ["features.3"] = 2 } };
        using var model = ModelFactory.Create(ModelFactory.AlexNet, options);
        var keep = ChannelPruner.SelectByL1(model, ModelFactory.AlexNet, options, 0.9);
        Assert.Single(keep["features.0"]);
        Assert.Single(keep["features.3"]);
        Assert.All(keep.Values, k => Assert.NotEmpty(k));
    }

    /// <summary>Random BN affine parameters, running statistics from one batch (momentum 1): activations at a trained net's scale.</summary>
    internal static void RandomiseBatchNorm(nn.Module<Tensor, Tensor> model, Generator generator)
    {
        using var scope = NewDisposeScope();
        using var noGrad = no_grad();
        foreach (var (name, tensor) in model.state_dict())
        {
            if (name.EndsWith(".bn.bias", StringComparison.Ordinal))
            {
                tensor.copy_(randn(tensor.shape, generator: generator) * 0.1f);
            }
            else if (name.EndsWith(".bn.weight", StringComparison.Ordinal))
            {
                tensor.copy_(rand(tensor.shape, generator: generator) + 0.5f);
            }
        }

        foreach (var module in model.modules())
        {
            if (module is TorchSharp.Modules.BatchNorm2d bn)
            {
                bn.momentum = 1.0;
            }
        }

        model.train();
        model.forward(randn([8, 3, 64, 64], generator: generator)); // dropout (after the last BatchNorm) draws globally: irrelevant
        model.eval();
    }
}
