using TbScreen.Inference.Bundles;
using TbScreen.Inference.Runtime;
using TbScreen.Training.Export;
using TbScreen.Training.Splits;
using TbScreen.Training.Tests.Fixtures;
using TbScreen.Training.Training;
using Xunit.Abstractions;
using static TorchSharp.torch;

namespace TbScreen.Training.Tests.Pretrained;

/// <summary>Fine-tuning the pretrained resnet18 and exporting it gives a bundle with a CAM, as GoogLeNet's.</summary>
public sealed class ResNet18BundleTests(ITestOutputHelper output)
{
    [Fact]
    public void PretrainedResNet18TrainsExportsAndGivesACamHeatmap()
    {
        using var temp = new TempFolder();
        string manifest = LayoutFixtures.Manifest(temp["data"], 40, 64);
        var split = DatasetSplit.LoadOrCreate(manifest, null, new SplitOptions { Train = 0.5, Val = 0.5, Test = 0, Seed = 3 }, temp["split.csv"]);
        var options = new TrainingOptions
        {
            Arch = "resnet18", Model = new Models.ModelOptions { Pretrained = true }, Contract = new TrainingOptions().Contract with { Size = 64 },
            Epochs = 1, WarmupEpochs = 0, BatchSize = 8, Optimizer = OptimizerKind.AdamW, LearningRate = 1e-4, RewindEpochs = [], Seed = 5, Threads = 1,
        };
        Trainer.Run(split.Records, split.Assignment, options, temp["out"]);
        Assert.True(Checkpoints.ReadSidecar(Path.Combine(temp["out"], "best.pt")).Options.Model.Pretrained);

        string checkpoint = Path.Combine(temp["out"], "best.pt");
        BundleExporter.Export(checkpoint, temp["bundle"], new BundleExportOptions { DataPath = manifest, SplitFile = temp["split.csv"], Threads = 1 });

        var bundle = ModelBundle.Load(temp["bundle"]);
        Assert.Equal("resnet18", bundle.Metadata.Architecture);
        Assert.Equal("cam", bundle.Metadata.Onnx.Cam);
        Assert.StartsWith("Fine-tuned from the ImageNet ResNet-18", bundle.Metadata.Training!.Notes, StringComparison.Ordinal);
        // Parity measured here (TorchSharp on best.pt against ONNX Runtime on model.onnx), not the exporter's own number.
        using (var generator = new Generator(19))
        {
            var parity = CheckpointOnnxParity.Measure(checkpoint, bundle, generator);
            output.WriteLine($"best.pt vs model.onnx: {parity}");
            Assert.True(parity.MaxAbsLogit > 1e-3f, "the logits are all ~0: the comparison would prove nothing");
            Assert.True(parity.LogitDiff <= 1e-4f, $"logits differ by {parity.LogitDiff}");
            Assert.True(parity.ProbabilityDiff <= 1e-4f, $"probabilities differ by {parity.ProbabilityDiff}");
            Assert.True(parity.ClassifierProbabilityDiff <= 1e-4f, $"OnnxClassifier's P(TB) differs by {parity.ClassifierProbabilityDiff}");
        }

        string card = File.ReadAllText(Path.Combine(temp["bundle"], ModelBundle.ModelCardFileName));
        Assert.Contains("fine-tuned from ImageNet weights", card, StringComparison.Ordinal);
        // It is the optional third member, not one of the default pair.
        Assert.Contains("optional three-member TbScreen ensemble (AlexNet + GoogLeNet + ResNet-18", card, StringComparison.Ordinal);
        using var classifier = new OnnxClassifier(bundle);
        var prediction = classifier.PredictOne(new float[classifier.TensorLength]);
        Assert.Equal((2, 2), (prediction.Cam!.Height, prediction.Cam.Width)); // 64 px / 32: ResNet-18 downsamples 32x
    }
}
