using TbScreen.Training.Export;
using TbScreen.Training.Models;
using TbScreen.Training.Pruning;
using TbScreen.Training.Tests.Fixtures;
using TorchSharp;
using Xunit.Abstractions;
using static TorchSharp.torch;

namespace TbScreen.Onnx.Tests;

/// <summary>
/// Pruned models export and run in ONNX Runtime with TorchSharp's raw logits (within 1e-4); a two-class softmax
/// saturates and would hide logit errors, so probabilities are only checked on top. Weights (<see cref="SeededInit"/>)
/// and inputs come from each test's own generator, never torch's global one.
/// </summary>
public class PrunedParityTests(ITestOutputHelper output)
{
    private const float Tolerance = 1e-4f;

    // AlexNet at 224 px: below that the exporter folds the adaptive pool into the first FC weight, which is then dense.
    [Theory]
    [InlineData("alexnet", 224)]
    [InlineData("googlenet", 64)]
    public void Unstructured_pruned_model_with_sparse_initializers_matches_TorchSharp(string arch, int size)
    {
        using var generator = new Generator(41);
        using var model = ModelFactory.Create(arch, new ModelOptions());
        SeededInit.Apply(model, generator);
        if (arch == "googlenet") TrainedScaleBatchNorm.Apply(model, generator);
        using var masks = WeightMasks.Dense(model);
        for (int round = 0; round < 8; round++) masks.PruneGlobalMagnitude(0.2); // 83 % sparse
        model.eval();

        var options = new OnnxExportOptions { InputHeight = size, InputWidth = size };
        byte[] dense = TorchOnnxExport.Export(model, arch, options);
        byte[] sparse = TorchOnnxExport.Export(model, arch, options with { SparseWeights = true });
        output.WriteLine($"{arch}: {masks.Sparsity:P1} pruned, dense ONNX {dense.Length / 1e6:F2} MB, sparse {sparse.Length / 1e6:F2} MB");
        Assert.True(sparse.Length < 0.7 * dense.Length, "sparse initializers shrink the file");
        Assert.True(global::Onnx.ModelProto.Parser.ParseFrom(sparse).Graph.SparseInitializer.Count > 0);
        AssertParity(model, sparse, size, generator);
    }

    [Theory]
    [InlineData("alexnet", 224)]
    [InlineData("googlenet", 64)]
    public void Structurally_pruned_rebuilt_model_matches_TorchSharp(string arch, int size)
    {
        using var generator = new Generator(42);
        var options = new ModelOptions { Widths = new Dictionary<string, int>() };
        using var first = ModelFactory.Create(arch, options);
        SeededInit.Apply(first, generator);
        if (arch == "googlenet") TrainedScaleBatchNorm.Apply(first, generator);
        nn.Module<Tensor, Tensor> model = first;
        var current = options with { Widths = ChannelPruner.WidthsAfter(arch, options, new Dictionary<string, long[]>()) };
        var disposables = new List<IDisposable>();
        for (int round = 0; round < 2; round++)
        {
            var keep = ChannelPruner.SelectByL1(model, arch, current, 0.2);
            using var scope = NewDisposeScope();
            var sliced = ChannelPruner.Slice(model.state_dict(), arch, current, keep);
            current = current with { Widths = ChannelPruner.WidthsAfter(arch, current, keep) };
            model = ChannelPruner.Build(arch, current, sliced);
            disposables.Add(model);
        }

        model.eval();
        byte[] onnx = TorchOnnxExport.Export(model, arch, new OnnxExportOptions { InputHeight = size, InputWidth = size });
        byte[] original = TorchOnnxExport.Export(first, arch, new OnnxExportOptions { InputHeight = size, InputWidth = size });
        output.WriteLine($"{arch}: ONNX {original.Length / 1e6:F2} MB -> {onnx.Length / 1e6:F2} MB after two structured rounds");
        Assert.True(onnx.Length < 0.75 * original.Length);
        AssertParity(model, onnx, size, generator);
        disposables.ForEach(d => d.Dispose());
    }

    private void AssertParity(nn.Module<Tensor, Tensor> model, byte[] onnx, int size, Generator generator)
    {
        using var scope = NewDisposeScope();
        var input = randn([2, 3, size, size], generator: generator);
        float[] expectedLogits, expectedProbability;
        using (no_grad())
        {
            var logits = model.call(input);
            expectedLogits = logits.data<float>().ToArray();
            expectedProbability = nn.functional.softmax(logits, 1).data<float>().ToArray();
        }

        var outputs = OrtRunner.Run(onnx, input.data<float>().ToArray(), 2, 3, size, size);
        float logitDiff = OrtRunner.MaxAbsDiff(expectedLogits, outputs[OnnxModelExporter.LogitsOutput].Data);
        float probDiff = OrtRunner.MaxAbsDiff(expectedProbability, outputs[OnnxModelExporter.ProbabilityOutput].Data);
        float scale = expectedLogits.Max(MathF.Abs);
        output.WriteLine($"max |logit diff| {logitDiff:E2}, max |probability diff| {probDiff:E2}, logits up to {scale:F4}");
        Assert.True(scale > 1e-3f, "the logits are all ~0: the comparison would prove nothing");
        Assert.True(logitDiff < Tolerance, $"logits differ by {logitDiff}");
        Assert.True(probDiff < Tolerance, $"probabilities differ by {probDiff}");
    }
}
