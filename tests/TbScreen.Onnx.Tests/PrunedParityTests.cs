using TbScreen.Training.Export;
using TbScreen.Training.Models;
using TbScreen.Training.Pruning;
using TorchSharp;
using Xunit.Abstractions;
using static TorchSharp.torch;

namespace TbScreen.Onnx.Tests;

/// <summary>Pruned models export and run in ONNX Runtime with TorchSharp's outputs (within 1e-4).</summary>
public class PrunedParityTests(ITestOutputHelper output)
{
    private const float Tolerance = 1e-4f;

    // AlexNet at 224 px: below that the exporter folds the adaptive pool into the first FC weight, which is then dense.
    [Theory]
    [InlineData("alexnet", 224)]
    [InlineData("googlenet", 64)]
    public void Unstructured_pruned_model_with_sparse_initializers_matches_TorchSharp(string arch, int size)
    {
        random.manual_seed(41);
        using var model = ModelFactory.Create(arch, new ModelOptions());
        if (arch == "googlenet") TrainedScaleBatchNorm.Apply(model);
        using var masks = WeightMasks.Dense(model);
        for (int round = 0; round < 8; round++) masks.PruneGlobalMagnitude(0.2); // 83 % sparse
        model.eval();

        var options = new OnnxExportOptions { InputHeight = size, InputWidth = size };
        byte[] dense = TorchOnnxExport.Export(model, arch, options);
        byte[] sparse = TorchOnnxExport.Export(model, arch, options with { SparseWeights = true });
        output.WriteLine($"{arch}: {masks.Sparsity:P1} pruned, dense ONNX {dense.Length / 1e6:F2} MB, sparse {sparse.Length / 1e6:F2} MB");
        Assert.True(sparse.Length < 0.7 * dense.Length, "sparse initializers shrink the file");
        Assert.True(global::Onnx.ModelProto.Parser.ParseFrom(sparse).Graph.SparseInitializer.Count > 0);
        AssertParity(model, sparse, size);
    }

    [Theory]
    [InlineData("alexnet", 224)]
    [InlineData("googlenet", 64)]
    public void Structurally_pruned_rebuilt_model_matches_TorchSharp(string arch, int size)
    {
        random.manual_seed(42);
        var options = new ModelOptions { Widths = new Dictionary<string, int>() };
        using var first = ModelFactory.Create(arch, options);
        if (arch == "googlenet") TrainedScaleBatchNorm.Apply(first);
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
        AssertParity(model, onnx, size);
        disposables.ForEach(d => d.Dispose());
    }

    private void AssertParity(nn.Module<Tensor, Tensor> model, byte[] onnx, int size)
    {
        using var scope = NewDisposeScope();
        var input = randn(2, 3, size, size);
        float[] expected;
        using (no_grad())
        {
            expected = nn.functional.softmax(model.call(input), 1).data<float>().ToArray();
        }

        var outputs = OrtRunner.Run(onnx, input.data<float>().ToArray(), 2, 3, size, size);
        float diff = OrtRunner.MaxAbsDiff(expected, outputs["probability"].Data);
        output.WriteLine($"max |probability diff| {diff:E2}");
        Assert.True(diff < Tolerance, $"probabilities differ by {diff}");
    }
}
