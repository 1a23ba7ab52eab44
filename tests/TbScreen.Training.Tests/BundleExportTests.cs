using TbScreen.Inference.Bundles;
using TbScreen.Inference.Runtime;
using TbScreen.Training.Export;
using TbScreen.Training.Splits;
using TbScreen.Training.Tests.Fixtures;
using TbScreen.Training.Training;
using Xunit.Abstractions;
using static TorchSharp.torch;

namespace TbScreen.Training.Tests;

/// <summary>A checkpoint becomes a bundle that ONNX Runtime runs exactly like TorchSharp, with validation-chosen thresholds.</summary>
public sealed class BundleExportTests(ITestOutputHelper output)
{
    /// <summary>The project's parity requirement (TbScreen.Onnx.Tests.TorchParityTests), on logits and probabilities.</summary>
    private const float Tolerance = 1e-4f;

    [Fact]
    public void ExportedBundleLoadsMatchesTheCheckpointAndRefusesTampering()
    {
        using var temp = new TempFolder();
        string manifest = LayoutFixtures.Manifest(temp["data"], 40, 32);
        var split = DatasetSplit.LoadOrCreate(manifest, null, new SplitOptions { Train = 0.5, Val = 0.5, Test = 0, Seed = 3 }, temp["split.csv"]);
        var options = new TrainingOptions
        {
            Arch = "googlenet", Contract = new TrainingOptions().Contract with { Size = 32 }, Epochs = 3, WarmupEpochs = 0, BatchSize = 8,
            Optimizer = OptimizerKind.AdamW, LearningRate = 1e-3, Patience = 3, RewindEpochs = [0], Seed = 5, Threads = 2,
        };
        Trainer.Run(split.Records, split.Assignment, options, temp["out"]);

        string checkpoint = Path.Combine(temp["out"], "best.pt");
        var result = BundleExporter.Export(checkpoint, temp["bundle"], new BundleExportOptions { DataPath = manifest, SplitFile = temp["split.csv"] });

        var bundle = ModelBundle.Load(temp["bundle"]);
        Assert.Equal("googlenet", bundle.Metadata.Architecture);
        Assert.Equal(options.Contract, bundle.Metadata.Input);
        Assert.Equal("cam", bundle.Metadata.Onnx.Cam);
        Assert.InRange(bundle.Threshold, 0, 1);
        Assert.Equal(bundle.Metadata.Thresholds!.Sensitivity90, bundle.Threshold);
        Assert.Equal(split.Count(SplitName.Val), result.ValidationCount);
        // Parity measured here, not read from result.ParityMaxAbsDiff: TorchSharp on best.pt against ONNX Runtime on model.onnx.
        using (var generator = new Generator(17))
        {
            var parity = CheckpointOnnxParity.Measure(checkpoint, bundle, generator);
            output.WriteLine($"best.pt vs model.onnx: {parity}");
            Assert.True(parity.MaxAbsLogit > 1e-3f, "the logits are all ~0: the comparison would prove nothing");
            Assert.True(parity.LogitDiff <= Tolerance, $"logits differ by {parity.LogitDiff}");
            Assert.True(parity.ProbabilityDiff <= Tolerance, $"probabilities differ by {parity.ProbabilityDiff}");
            Assert.True(parity.ClassifierProbabilityDiff <= Tolerance, $"OnnxClassifier's P(TB) differs by {parity.ClassifierProbabilityDiff}");
        }

        // The control: the same check on the checkpoint from before training (epoch-0.pt, same shapes) fails, so the
        // comparison above tells this checkpoint's weights from others.
        using (var generator = new Generator(17))
        {
            var control = CheckpointOnnxParity.Measure(Path.Combine(temp["out"], "epoch-0.pt"), bundle, generator);
            output.WriteLine($"epoch-0.pt vs model.onnx: {control}");
            Assert.True(control.LogitDiff > 100 * Tolerance, $"the untrained checkpoint's logits are within {control.LogitDiff} of the bundle's");
        }

        Assert.Contains(bundle.Metadata.Metrics, m => m.Name == "auc" && m.Split == "validation");
        string card = File.ReadAllText(Path.Combine(temp["bundle"], ModelBundle.ModelCardFileName));
        Assert.Contains("Research use only", card);
        Assert.Contains("source separation", card);
        Assert.Equal("features", bundle.Metadata.Onnx.Features);
        Assert.Null(bundle.Ood); // until tbscreen fit-ood
        using (var classifier = new OnnxClassifier(bundle))
        {
            Assert.True(classifier.HasCam);
            Assert.True(classifier.HasFeatures);
            var prediction = classifier.PredictOne(new float[classifier.TensorLength]);
            Assert.Equal(1024, prediction.Features!.Length); // GoogLeNet's pooled inception5b
            Assert.Null(prediction.Unfamiliarity);
        }

        var onnx = File.ReadAllBytes(bundle.OnnxPath);
        onnx[^1] ^= 0xFF;
        File.WriteAllBytes(bundle.OnnxPath, onnx);
        Assert.Throws<ModelHashMismatchException>(() => ModelBundle.Load(temp["bundle"]));
    }
}
