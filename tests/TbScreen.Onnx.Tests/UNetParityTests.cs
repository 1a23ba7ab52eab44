using TbScreen.Onnx.Architectures;
using TbScreen.Training.Export;
using TbScreen.Training.Segmentation;
using TbScreen.Training.Training;
using Xunit.Abstractions;
using static TorchSharp.torch;

namespace TbScreen.Onnx.Tests;

/// <summary>
/// The lung U-Net exported by our graph builder, run by ONNX Runtime, against the TorchSharp checkpoint it came from
/// (saved and loaded back the way export-lungs loads it). Every weight and input comes from a private System.Random.
/// </summary>
public class UNetParityTests(ITestOutputHelper output)
{
    private const float Tolerance = 1e-4f;

    [Theory]
    [InlineData(2, 4, 32, 32, true)]
    [InlineData(3, 8, 32, 48, true)]  // not square; three levels
    [InlineData(2, 4, 16, 16, false)] // BatchNormalization ops instead of folding
    public void Onnx_Runtime_reproduces_the_TorchSharp_checkpoint(int depth, int width, int height, int widthPx, bool fold)
    {
        var options = new SegmentationOptions { Net = new UNetOptions { Depth = depth, BaseWidth = width } };
        string checkpoint = SaveSeededCheckpoint(options, seed: 100 + depth);
        var (model, _) = SegmentationTrainer.Load(checkpoint);
        using var _model = model;
        var random = new Random(7);
        const int batch = 2;
        float[] input = Enumerable.Range(0, batch * height * widthPx).Select(_ => (float)((random.NextDouble() * 4) - 2)).ToArray();

        float[] expectedLogits, expectedProbability;
        using (no_grad())
        {
            using var scope = NewDisposeScope();
            var logits = model.forward(tensor(input, new long[] { batch, 1, height, widthPx }));
            expectedLogits = logits.data<float>().ToArray();
            expectedProbability = logits.sigmoid().data<float>().ToArray();
        }

        byte[] onnx = UNetExporter.Export(StateDictWeights.From(model),
            new OnnxExportOptions { InputHeight = height, InputWidth = widthPx, FoldBatchNorm = fold, IncludeLogits = true });
        var outputs = OrtRunner.Run(onnx, input, batch, 1, height, widthPx);

        Assert.Equal([batch, 1, height, widthPx], outputs[UNetExporter.ProbabilityOutput].Shape);
        float logitDiff = OrtRunner.MaxAbsDiff(expectedLogits, outputs[UNetExporter.LogitsOutput].Data);
        float probabilityDiff = OrtRunner.MaxAbsDiff(expectedProbability, outputs[UNetExporter.ProbabilityOutput].Data);
        output.WriteLine($"U-Net depth {depth} width {width} {height}x{widthPx}{(fold ? "" : " (BN ops)")}: max |logit diff| {logitDiff:E2}, " +
            $"max |probability diff| {probabilityDiff:E2}, logits up to {expectedLogits.Max(MathF.Abs):F2}");
        Assert.True(expectedLogits.Max(MathF.Abs) > 0.5f, "the seeded net should give logits of order one, not a constant");
        Assert.True(logitDiff < Tolerance, $"logits differ by {logitDiff}");
        Assert.True(probabilityDiff < Tolerance, $"probabilities differ by {probabilityDiff}");
    }

    [Fact]
    public void An_input_that_does_not_halve_evenly_is_refused_at_export()
    {
        var options = new SegmentationOptions { Net = new UNetOptions { Depth = 2, BaseWidth = 4 } };
        var (model, _) = SegmentationTrainer.Load(SaveSeededCheckpoint(options, seed: 1));
        using var _model = model;

        var e = Assert.Throws<OnnxExportException>(() => UNetExporter.Export(StateDictWeights.From(model), new OnnxExportOptions { InputHeight = 30, InputWidth = 32 }));

        Assert.Contains("multiples of 4", e.Message);
    }

    /// <summary>
    /// A U-Net whose every parameter comes from System.Random (He-scaled), with BatchNorm statistics taken from one
    /// seeded batch (momentum 1), as training would leave them; saved as best.pt with the sidecar export-lungs reads.
    /// </summary>
    private static string SaveSeededCheckpoint(SegmentationOptions options, int seed)
    {
        var random = new Random(seed);
        using var model = new UNet(options.Net);
        using (no_grad())
        {
            foreach (var (name, parameter) in model.named_parameters())
            {
                long fanIn = parameter.shape.Length > 1 ? parameter.shape.Skip(1).Aggregate(1L, (a, d) => a * d) : 1;
                double scale = parameter.shape.Length == 4 ? Math.Sqrt(6.0 / fanIn) : 0.1; // He-uniform kernels; biases ±0.1
                bool isBatchNormWeight = parameter.shape.Length == 1 && !name.EndsWith(".bias", StringComparison.Ordinal);
                var values = Enumerable.Range(0, (int)parameter.numel())
                    .Select(_ => isBatchNormWeight ? (float)(0.5 + random.NextDouble()) : (float)(((random.NextDouble() * 2) - 1) * scale)).ToArray();
                parameter.copy_(tensor(values, parameter.shape));
            }

            foreach (var module in model.modules())
            {
                if (module is TorchSharp.Modules.BatchNorm2d bn)
                {
                    bn.momentum = 1.0;
                }
            }

            model.train();
            float[] batch = Enumerable.Range(0, 4 * 32 * 32).Select(_ => (float)((random.NextDouble() * 4) - 2)).ToArray();
            using var statistics = model.forward(tensor(batch, new long[] { 4, 1, 32, 32 }));
            model.eval();
        }

        string dir = Path.Combine(Path.GetTempPath(), "tbscreen-unet-parity", Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(dir);
        string path = Path.Combine(dir, SegmentationTrainer.BestCheckpoint);
        model.save(path);
        TrainingJson.Write(Path.ChangeExtension(path, ".json"), new SegmentationCheckpoint(SegmentationTrainer.BestCheckpoint, 1, 0.5, options, DateTimeOffset.UnixEpoch));
        return path;
    }
}
