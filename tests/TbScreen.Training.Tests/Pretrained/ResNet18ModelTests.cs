using TbScreen.Training.Models;
using TbScreen.Training.Pretrained;
using TbScreen.Training.Training;
using static TorchSharp.torch;

namespace TbScreen.Training.Tests.Pretrained;

/// <summary>resnet18 as a third architecture: shapes, options it refuses, and the teacher's contract.</summary>
public sealed class ResNet18ModelTests
{
    [Fact]
    public void FreshResNet18MapsThreeChannelsToTwoLogitsFromItsMinimumSize()
    {
        using var scope = NewDisposeScope();
        using var model = ModelFactory.Create("ResNet18", new ModelOptions());
        model.eval();
        Assert.Equal(32, ModelFactory.MinimumInputSize("resnet18"));
        Assert.Equal(new long[] { 2, 2 }, model.forward(zeros(2, 3, 32, 32)).shape);
    }

    [Fact]
    public void OptionsThatDoNotFitResNet18AreRefusedBeforeAnyWork()
    {
        var resnet = new TrainingOptions { Arch = "resnet18" };
        var other = Assert.Throws<ArgumentException>(() => (resnet with { Arch = "alexnet", Model = new ModelOptions { Pretrained = true } }).Validate());
        Assert.Contains("only for resnet18", other.Message, StringComparison.Ordinal);
        var contract = Assert.Throws<ArgumentException>(() => (resnet with { Contract = resnet.Contract with { Std = 0.2f } }).Validate());
        Assert.Contains("default normalisation", contract.Message, StringComparison.Ordinal);
        Assert.Throws<ArgumentException>(() => ModelFactory.Create("resnet18", new ModelOptions { Widths = new Dictionary<string, int> { ["conv1"] = 32 } }));
        Assert.Throws<ArgumentException>(() => ChannelTopology.For("resnet18", new ModelOptions()));
    }

    [Fact]
    public void TeacherGivesDetachedFeaturesAndChecksTheBatchShape()
    {
        using var teacher = new ResNet18Teacher();
        using var scope = NewDisposeScope();
        var batch = zeros(3, 3, 64, 64, requires_grad: true);
        var features = teacher.Features(batch);
        Assert.Equal(new long[] { 3, teacher.FeatureWidth }, features.shape);
        Assert.False(features.requires_grad);
        Assert.Throws<ArgumentException>(() => teacher.Features(zeros(3, 1, 64, 64)));
    }
}
