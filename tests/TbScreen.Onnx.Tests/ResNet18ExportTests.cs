using TbScreen.Training.Export;
using TbScreen.Training.Models;
using TorchSharp;
using Xunit.Abstractions;
using static TorchSharp.torch;

namespace TbScreen.Onnx.Tests;

/// <summary>
/// resnet18 through our graph builder against TorchSharp's forward. The trunk carries the package's ImageNet weights
/// (real BatchNorm statistics, so folding is exercised at a trained net's scale); the 2-class head and the inputs come
/// from seeded System.Random streams, never torch's global generator.
/// </summary>
public sealed class ResNet18ExportTests(ITestOutputHelper output)
{
    private const float Tolerance = 1e-4f;

    [Theory]
    [InlineData(224, 2, true)]
    [InlineData(224, 1, false)] // BatchNormalization ops instead of folding
    [InlineData(97, 2, true)]   // odd sizes at every stride-2 layer: symmetric padding on both sides
    public void ResNet18_matches_TorchSharp(int size, int batch, bool foldBatchNorm)
    {
        using var model = PretrainedWithSeededHead(seed: 21);
        var (expected, outputs) = Run(model, size, batch, new OnnxExportOptions { InputHeight = size, InputWidth = size, FoldBatchNorm = foldBatchNorm, IncludeCam = true }, seed: 22);
        float logitDiff = OrtRunner.MaxAbsDiff(expected.Logits, outputs["logits"].Data);
        float probDiff = OrtRunner.MaxAbsDiff(expected.Probability, outputs["probability"].Data);
        output.WriteLine($"resnet18 {size}x{size} batch {batch} fold {foldBatchNorm}: max |logit diff| {logitDiff:E2}, max |probability diff| {probDiff:E2}, logits up to {expected.Logits.Max(MathF.Abs):F3}");
        Assert.True(logitDiff <= Tolerance, $"logits differ by {logitDiff}");
        Assert.True(probDiff <= Tolerance, $"probabilities differ by {probDiff}");
        Assert.True(expected.Probability.Any(p => p is > 0.01f and < 0.99f), "a saturated softmax would hide logit errors");
    }

    [Fact]
    public void Cam_mean_plus_bias_difference_is_the_tb_logit_margin()
    {
        using var model = PretrainedWithSeededHead(seed: 23);
        var (_, outputs) = Run(model, 224, 2, new OnnxExportOptions { IncludeCam = true }, seed: 24);
        var (cam, camShape) = outputs[OnnxModelExporter.CamOutput];
        Assert.Equal(new long[] { 2, 1, 7, 7 }, camShape);
        float[] bias = model.state_dict()["fc.bias"].data<float>().ToArray();
        float[] logits = outputs["logits"].Data;
        for (int n = 0; n < 2; n++)
        {
            float mean = cam.AsSpan(n * 49, 49).ToArray().Average();
            Assert.Equal(logits[2 * n + 1] - logits[2 * n], mean + bias[1] - bias[0], 4);
        }
    }

    [Fact]
    public void Metadata_records_the_blocks_and_the_cam_weights()
    {
        using var model = PretrainedWithSeededHead(seed: 25);
        var proto = global::Onnx.ModelProto.Parser.ParseFrom(TorchOnnxExport.Export(model, "resnet18", new OnnxExportOptions { IncludeCam = true }));
        var meta = proto.MetadataProps.ToDictionary(p => p.Key, p => p.Value);
        Assert.Equal("2,2,2,3", meta["tbscreen.resnet.blocks"]);
        Assert.Equal("layer4", meta["tbscreen.features_layer"]);
        Assert.Equal("resnet18", meta["tbscreen.architecture"]);
        Assert.Contains(proto.Graph.Node, n => n.OpType == "Add" && n.Name.StartsWith("layer4.2.add", StringComparison.Ordinal));
        Assert.Equal(9, proto.Graph.Node.Count(n => n.OpType == "Add" && n.Name.Contains(".add", StringComparison.Ordinal)));
    }

    [Fact]
    public void Missing_input_affine_is_named()
    {
        using var model = new ResNet18Classifier(2);
        var weights = StateDictWeights.From(model);
        weights.Remove("input_shift");
        var error = Assert.Throws<OnnxExportException>(() => OnnxModelExporter.Export("resnet18", weights, new OnnxExportOptions()));
        Assert.Contains("'input_shift'", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Residual_add_refuses_maps_of_different_shapes()
    {
        var g = new Graph.OnnxGraphBuilder(false);
        var a = new Graph.Map4("a", 64, 56, 56);
        var b = new Graph.Map4("b", 128, 28, 28);
        var error = Assert.Throws<OnnxExportException>(() => g.Add(a, b, "layer2.0.add"));
        Assert.Contains("layer2.0.add", error.Message, StringComparison.Ordinal);
    }

    private static ResNet18Classifier PretrainedWithSeededHead(int seed)
    {
        var model = (ResNet18Classifier)ModelFactory.Create(ModelFactory.ResNet18, new ModelOptions { Pretrained = true });
        var random = new Random(seed);
        var state = model.state_dict();
        using (no_grad())
        {
            // Head weights of the size He/Kaiming-uniform gives a 512-wide layer, so logits stay near a trained head's scale.
            float bound = 1f / MathF.Sqrt(512);
            state["fc.weight"].copy_(tensor(Enumerable.Range(0, 2 * 512).Select(_ => ((float)random.NextDouble() * 2 - 1) * bound).ToArray(), [2, 512]));
            state["fc.bias"].copy_(tensor(new[] { 0.1f, -0.1f }));
        }

        model.eval();
        return model;
    }

    private static ((float[] Logits, float[] Probability) Expected, Dictionary<string, (float[] Data, long[] Shape)> Outputs) Run(
        ResNet18Classifier model, int size, int batch, OnnxExportOptions options, int seed)
    {
        var random = new Random(seed);
        // Our contract's range: grey in [0,1] normalised with mean 0.5, std 0.25, replicated to 3 channels.
        int plane = size * size;
        var input = new float[batch * 3 * plane];
        for (int n = 0; n < batch; n++)
        {
            for (int i = 0; i < plane; i++)
            {
                float x = ((float)random.NextDouble() - 0.5f) / 0.25f;
                for (int c = 0; c < 3; c++) input[(n * 3 + c) * plane + i] = x;
            }
        }

        using var scope = NewDisposeScope();
        float[] logits, probability;
        using (no_grad())
        {
            var y = model.call(tensor(input, [batch, 3, size, size]));
            logits = y.data<float>().ToArray();
            probability = nn.functional.softmax(y, 1).data<float>().ToArray();
        }

        var outputs = OrtRunner.Run(TorchOnnxExport.Export(model, "resnet18", options with { InputHeight = size, InputWidth = size }), input, batch, 3, size, size);
        return ((logits, probability), outputs);
    }
}
