using Onnx;
using TbScreen.Training.Models;
using TbScreen.Training.Pretrained;
using TorchSharp;
using Xunit.Abstractions;
using static TorchSharp.torch;

namespace TbScreen.Training.Tests.Pretrained;

/// <summary>The package's graph read by structure, the conversion, and the input affine re-derived from the package's preprocessing.</summary>
public sealed class ResNet18ConversionTests(ITestOutputHelper output)
{
    [Fact]
    public void PackageFileIsFoundFromTheRestoredPackage()
    {
        string path = ResNet18OnnxFile.Resolve();
        Assert.EndsWith(Path.Combine("ResNet18Onnx", "ResNet18.onnx"), path, StringComparison.Ordinal);
        Assert.Contains(ResNet18OnnxFile.PackageId.ToLowerInvariant(), path.ToLowerInvariant(), StringComparison.Ordinal);
        Assert.Equal(63_653_533, new FileInfo(path).Length); // the size in the 0.24.0 nupkg
    }

    [Fact]
    public void EveryTrunkWeightComesFromTheGraphWithItsShape()
    {
        var contents = ResNet18Converter.ImageNet;
        Assert.Equal([2, 2, 2, 3], contents.BlocksPerLayer); // CNTK's "ResNet-18": layer4 has a third block
        using var model = new ResNet18Classifier(2);
        var expected = model.state_dict()
            .Where(p => p.Value.is_floating_point() && !p.Key.StartsWith("fc.", StringComparison.Ordinal) && !p.Key.StartsWith("input_", StringComparison.Ordinal))
            .ToDictionary(p => p.Key, p => p.Value.shape);
        Assert.Equal(110, expected.Count); // 22 convs + 22 batch norms x 4 = every initializer of the graph
        Assert.Equal(expected.Keys.Order(), contents.Weights.Keys.Order());
        foreach (var (name, shape) in expected) Assert.Equal(shape, contents.Weights[name].Shape);
        Assert.Equal("Input247", contents.InputName);
        Assert.Equal("Pooling395_Output_0", contents.OutputName);
    }

    [Fact]
    public void NamesAndShapesAreTorchVisionsResNet18PlusOneBlock()
    {
        using var scope = NewDisposeScope();
        using var reference = torchvision.models.resnet18(num_classes: 2);
        using var model = new ResNet18Classifier(2);
        var ours = model.state_dict().ToDictionary(p => p.Key, p => p.Value.shape);
        var theirs = reference.state_dict().ToDictionary(p => p.Key, p => p.Value.shape);
        foreach (var (name, shape) in theirs) Assert.Equal(shape, ours[name]);
        var extra = ours.Keys.Except(theirs.Keys).Order().ToList();
        Assert.Equal(["input_scale", "input_shift", "layer4.2.bn1.bias", "layer4.2.bn1.num_batches_tracked", "layer4.2.bn1.running_mean",
            "layer4.2.bn1.running_var", "layer4.2.bn1.weight", "layer4.2.bn2.bias", "layer4.2.bn2.num_batches_tracked", "layer4.2.bn2.running_mean",
            "layer4.2.bn2.running_var", "layer4.2.bn2.weight", "layer4.2.conv1.weight", "layer4.2.conv2.weight"], extra);
    }

    [Fact]
    public void StructureNotNamesDecideTheMapping()
    {
        // Spot checks against the graph as printed by an independent reading (docs/pretrained.md): the stem conv is
        // Parameter91 and layer2.0's projection shortcut is Parameter199 (128x64x1x1), whose BN scale is Parameter203.
        var model = ModelProto.Parser.ParseFrom(File.ReadAllBytes(ResNet18OnnxFile.Resolve()));
        var byName = model.Graph.Initializer.ToDictionary(t => t.Name);
        var w = ResNet18Converter.ImageNet.Weights;
        Assert.Equal(byName["Parameter91"].FloatData, w["conv1.weight"].Data);
        Assert.Equal(byName["Parameter199"].FloatData, w["layer2.0.downsample.0.weight"].Data);
        Assert.Equal(byName["Parameter203"].FloatData, w["layer2.0.downsample.1.weight"].Data);
        Assert.Equal(byName["Constant99"].FloatData, w["bn1.running_var"].Data);
    }

    [Fact]
    public void InputAffineUsesThePackagesMeanImagePerChannelInBgrOrder()
    {
        var prep = ModelProto.Parser.ParseFrom(File.ReadAllBytes(ResNet18OnnxFile.ResolvePreprocess()));
        var concat = prep.Graph.Node.Single(n => n.OpType == "Concat");
        var split = prep.Graph.Node.Single(n => n.OpType == "Split");
        // Split gives R, G, B (input order); Concat puts them back as B, G, R.
        Assert.Equal([split.Output[2], split.Output[1], split.Output[0]], concat.Input.ToArray());
        var mean = prep.Graph.Initializer.Single();
        Assert.Equal([1L, 3, 224, 224], mean.Dims.ToArray());
        int plane = 224 * 224;
        for (int c = 0; c < 3; c++)
        {
            double average = mean.FloatData.Skip(c * plane).Take(plane).Average(v => (double)v);
            Assert.Equal(average, ImageNetInput.ChannelMeansBgr[c], 4);
        }

        var (scale, shift) = ImageNetInput.Affine(TbScreen.Imaging.InputContract.Default);
        Assert.Equal(63.75f, scale); // 255 * 0.25
        Assert.Equal(127.5f - 103.062622f, shift[0]);
        output.WriteLine($"scale {scale}, shift BGR [{string.Join(", ", shift)}]");
    }

    [Fact]
    public void MissingOrBrokenFilesNameTheFileAndTheReason()
    {
        string missing = Path.Combine(Path.GetTempPath(), $"tbscreen-no-{Guid.NewGuid():N}.onnx");
        var error = Assert.Throws<PretrainedWeightsException>(() => ResNet18OnnxGraph.Read(missing));
        Assert.Equal(missing, error.Path);
        Assert.Contains("cannot read", error.Reason, StringComparison.Ordinal);

        string preprocess = ResNet18OnnxFile.ResolvePreprocess(); // a valid ONNX file, but not ResNet-18
        var wrong = Assert.Throws<PretrainedWeightsException>(() => ResNet18OnnxGraph.Read(preprocess));
        Assert.Equal(preprocess, wrong.Path);
        Assert.Contains("not the ResNet-18 graph", wrong.Reason, StringComparison.Ordinal);
    }

    [Fact]
    public void PretrainedFactoryKeepsAFreshTwoClassHeadAndRefusesOtherArchitectures()
    {
        using var scope = NewDisposeScope();
        using var model = ModelFactory.Create("resnet18", new ModelOptions { Pretrained = true });
        var state = model.state_dict();
        Assert.Equal(new long[] { 2, 512 }, state["fc.weight"].shape);
        var conv1 = ResNet18Converter.ImageNet.Weights["conv1.weight"].Data;
        Assert.Equal(conv1, state["conv1.weight"].data<float>().ToArray());
        Assert.Equal(63.75f, state["input_scale"].data<float>()[0]);
        Assert.Throws<ArgumentException>(() => ModelFactory.Create("googlenet", new ModelOptions { Pretrained = true }));
    }
}
