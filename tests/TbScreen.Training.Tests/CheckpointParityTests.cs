using TbScreen.Inference.Runtime;
using TbScreen.Training.Export;
using TbScreen.Training.Robustness;
using TbScreen.Training.Splits;
using TbScreen.Training.Tests.Fixtures;
using TbScreen.Training.Training;

namespace TbScreen.Training.Tests;

/// <summary>Attacks run only on a checkpoint proven, by output parity on real images, to be the bundle's source.</summary>
public sealed class CheckpointParityTests
{
    [Fact]
    public void TheSourceCheckpointPassesAndAnotherCheckpointIsRejectedNamingBothFiles()
    {
        using var temp = new TempFolder();
        string manifest = LayoutFixtures.Manifest(temp["data"], 24, 32);
        var split = DatasetSplit.LoadOrCreate(manifest, null, new SplitOptions { Train = 0.5, Val = 0.5, Test = 0, Seed = 3 }, temp["split.csv"]);
        var options = new TrainingOptions
        {
            Arch = "alexnet", Model = new Models.ModelOptions { AlexNetHidden = 16 }, Contract = new TrainingOptions().Contract with { Size = 64 }, Epochs = 1,
            WarmupEpochs = 0, BatchSize = 6, Optimizer = OptimizerKind.AdamW, LearningRate = 1e-3, RewindEpochs = [0], Seed = 5, Threads = 2,
        };
        Trainer.Run(split.Records, split.Assignment, options, temp["out"]);
        BundleExporter.Export(Path.Combine(temp["out"], "best.pt"), temp["bundle"], new BundleExportOptions { DataPath = manifest, SplitFile = temp["split.csv"] });
        var planes = Enumerable.Range(0, 3).Select(i => Enumerable.Range(0, 64 * 64).Select(p => (float)((p * (i + 3) % 97) / 96.0)).ToArray()).ToArray();
        var inference = new InferenceOptions { IntraOpThreads = 1 };

        using (var loaded = BundleTargets.Load(temp["bundle"], new Dictionary<string, string> { ["alexnet"] = Path.Combine(temp["out"], "best.pt") }, planes, 1e-4, inference))
        {
            Assert.InRange(loaded.Proof.ParityMaxDifference, 0, 1e-4);
            Assert.Equal(3, loaded.Proof.ParityImages);
        }

        // epoch-0.pt is the same architecture before training: right shape, wrong weights.
        string wrong = Path.Combine(temp["out"], "epoch-0.pt");
        var error = Assert.Throws<CheckpointParityException>(() =>
            BundleTargets.Load(temp["bundle"], new Dictionary<string, string> { ["alexnet"] = wrong }, planes, 1e-4, inference));
        Assert.Contains("epoch-0.pt", error.Message);
        Assert.Contains("model.onnx", error.Message);
        Assert.True(error.MaxDifference > 1e-4);

        var missing = Assert.Throws<RobustnessException>(() => BundleTargets.Load(temp["bundle"], new Dictionary<string, string>(), planes, 1e-4, inference));
        Assert.Contains("--checkpoint alexnet=PATH", missing.Message);
    }
}
