using TbScreen.Training.Models;
using TbScreen.Training.Tests.Fixtures;
using TorchSharp;
using static TorchSharp.torch;

namespace TbScreen.Training.Tests;

public sealed class ModelTests
{
    [Fact]
    public void SlimAlexNetKeepsTorchVisionParameterNames()
    {
        using var scope = NewDisposeScope();
        using var reference = torchvision.models.alexnet(num_classes: 2);
        using var slim = ModelFactory.Create("alexnet", new ModelOptions { AlexNetHidden = 64 });
        var expected = reference.state_dict().ToDictionary(p => p.Key, p => p.Value.shape);
        var actual = slim.state_dict().ToDictionary(p => p.Key, p => p.Value.shape);
        Assert.Equal(expected.Keys.Order(), actual.Keys.Order());
        foreach (var key in expected.Keys.Where(k => k.StartsWith("features.", StringComparison.Ordinal)))
        {
            Assert.Equal(expected[key], actual[key]);
        }

        Assert.Equal(new long[] { 64, 9216 }, actual["classifier.1.weight"]);
        Assert.Equal(new long[] { 2, 64 }, actual["classifier.6.weight"]);
    }

    [Fact]
    public void SlimAlexNetFeaturesComputeLikeTorchVision()
    {
        using var scope = NewDisposeScope();
        using var generator = new Generator(3);
        using var reference = torchvision.models.alexnet(num_classes: 2);
        SeededInit.Apply(reference, generator);
        using var slim = ModelFactory.Create("alexnet", new ModelOptions { AlexNetHidden = ModelOptions.TorchVisionAlexNetHidden - 1 });
        slim.load_state_dict(reference.state_dict().Where(p => p.Key.StartsWith("features.", StringComparison.Ordinal)).ToDictionary(), strict: false);
        var x = randn([1, 3, 64, 64], generator: generator);
        var features = (nn.Module<Tensor, Tensor>)reference.named_children().Single(c => c.name == "features").module;
        var slimFeatures = (nn.Module<Tensor, Tensor>)slim.named_children().Single(c => c.name == "features").module;
        Assert.True(features.forward(x).allclose(slimFeatures.forward(x), atol: 1e-6));
    }

    [Theory]
    [InlineData("alexnet", 64)]
    [InlineData("GoogLeNet", 32)]
    public void BothArchitecturesMapThreeChannelsToTwoLogits(string arch, int size)
    {
        using var scope = NewDisposeScope();
        using var model = ModelFactory.Create(arch, new ModelOptions());
        model.eval();
        Assert.Equal(new long[] { 2, 2 }, model.forward(zeros(2, 3, size, size)).shape);
    }

    [Fact]
    public void ShippingDefaultFitsTheModelBudget()
    {
        using var alex = ModelFactory.Create("alexnet", new ModelOptions());
        using var google = ModelFactory.Create("googlenet", new ModelOptions());
        long bytes = 4 * (alex.parameters().Sum(p => p.numel()) + google.parameters().Sum(p => p.numel()));
        Assert.True(bytes < 60_000_000, $"{bytes / 1e6:F1} MB of fp32 weights");
    }

    [Fact]
    public void UnknownArchitectureFails() =>
        Assert.Contains("resnet", Assert.Throws<ArgumentException>(() => ModelFactory.Create("resnet", new ModelOptions())).Message);
}
