using Xunit.Abstractions;
using TbScreen.Training.Splits;
using TbScreen.Training.Tests.Fixtures;
using TbScreen.Training.Training;

using TbScreen.Inference.Datasets;

namespace TbScreen.Training.Tests;

/// <summary>A short seeded run learns a separable synthetic task (positives carry a bright blob).</summary>
public sealed class TrainingRunTests(ITestOutputHelper output)
{
    [Theory]
    [InlineData("alexnet", 64, 3e-4, 20)] // no batch norm: a lower rate and more (cheap, 64 px) epochs
    [InlineData("googlenet", 32, 1e-3, 12)]
    public void LearnsSeparableSyntheticTask(string arch, int size, double learningRate, int epochs)
    {
        using var temp = new TempFolder();
        string manifest = LayoutFixtures.Manifest(temp["data"], 48, size);
        var data = DatasetSplit.LoadOrCreate(manifest, null, new SplitOptions { Train = 0.6, Val = 0.4, Test = 0, Seed = 2 }, temp["split.csv"]);
        var options = new TrainingOptions
        {
            Arch = arch,
            Contract = new TrainingOptions().Contract with { Size = size },
            Epochs = epochs,
            WarmupEpochs = 0,
            BatchSize = 8,
            Optimizer = OptimizerKind.AdamW,
            LearningRate = learningRate,
            WeightDecay = 1e-4,
            Patience = epochs,
            RewindEpochs = [0, 2],
            Seed = 7,
            Threads = 2,
        };

        var result = Trainer.Run(data.Records, data.Assignment, options, temp["out"]);

        foreach (var h in result.History)
        {
            output.WriteLine($"{arch} epoch {h.Epoch}: loss {h.TrainLoss:F3} val AUC {h.ValAuc:F3} {h.Seconds:F1}s");
        }

        Assert.True(result.BestValAuc > 0.9, $"best val AUC {result.BestValAuc} ({string.Join(", ", result.History.Select(h => h.ValAuc))})");
        foreach (string file in new[] { "best.pt", "best.json", "last.pt", "epoch-0.pt", "epoch-2.pt", "epoch-2.json", "training.json" })
        {
            Assert.True(File.Exists(Path.Combine(temp["out"], file)), file);
        }

        // Learned, not merely separable at initialisation: the training loss fell.
        Assert.True(result.History[^1].TrainLoss < 0.8 * result.History[0].TrainLoss, "training loss did not fall");
        var sidecar = Checkpoints.ReadSidecar(Path.Combine(temp["out"], "best.pt"));
        Assert.Equal((arch, result.BestEpoch!.Value, 7), (sidecar.Arch, sidecar.Epoch, sidecar.Seed));
        var (model, _) = Checkpoints.Load(Path.Combine(temp["out"], "best.pt"));
        model.Dispose();
    }

    [Fact]
    public void SingleClassValidationFailsFast()
    {
        using var temp = new TempFolder();
        string manifest = LayoutFixtures.Manifest(temp["data"], 6, 32);
        var data = DatasetSplit.LoadOrCreate(manifest, null, new SplitOptions { Seed = 1 }, null);
        var onlyTrain = data.Records.ToDictionary(r => r, r => r.Label == 1 && r.Path.EndsWith("001.png", StringComparison.Ordinal) ? SplitName.Val : SplitName.Train);
        var e = Assert.Throws<DatasetException>(() => Trainer.Run(data.Records, onlyTrain, new TrainingOptions { Arch = "googlenet", Contract = new TrainingOptions().Contract with { Size = 32 } }, temp["out"]));
        Assert.Contains("validation", e.Message);
    }

    [Fact]
    public void BadOptionsFailBeforeAnyWork()
    {
        Assert.Throws<ArgumentException>(() => new TrainingOptions { Arch = "alexnet", Contract = new TrainingOptions().Contract with { Size = 32 } }.Validate());
        Assert.Throws<ArgumentException>(() => new TrainingOptions { BatchSize = 1 }.Validate());
        Assert.Throws<ArgumentException>(() => new TrainingOptions { RewindEpochs = [-1] }.Validate());
    }

    [Fact]
    public void A_lung_field_crop_needs_its_segmentation_bundle_and_no_full_image_teacher()
    {
        var crop = new TrainingOptions().Contract.WithLungCrop();
        string lungs = Path.GetTempPath();

        Assert.Contains("--lungs", Assert.Throws<ArgumentException>(() => new TrainingOptions { Contract = crop }.Validate()).Message);
        Assert.Contains("does not exist", Assert.Throws<ArgumentException>(() => new TrainingOptions { Contract = crop, LungBundle = Path.Combine(lungs, Guid.NewGuid().ToString("N")) }.Validate()).Message);
        Assert.Throws<ArgumentException>(() => new TrainingOptions { Contract = crop, LungBundle = lungs, SoftTargets = new() { TeacherBundle = lungs } }.Validate());
        new TrainingOptions { Contract = crop, LungBundle = lungs }.Validate();
    }

    [Fact]
    public void Tools_without_the_lung_segmentation_refuse_a_lung_cropping_contract()
    {
        var crop = new TrainingOptions().Contract.WithLungCrop();

        var error = Assert.Throws<NotSupportedException>(() => TbScreen.Training.Robustness.RobustnessData.Load([], crop, 1));

        Assert.Contains("robustness", error.Message);
        TbScreen.Training.Data.LungCropGuard.Refuse(crop.WithoutLungCrop(), "anything");
    }

    [Fact]
    public void ScheduleWarmsUpThenDecays()
    {
        var options = new TrainingOptions { Epochs = 10, LearningRate = 0.1, WarmupEpochs = 1 };
        var schedule = new LearningRateSchedule(options, batchesPerEpoch: 10);
        Assert.Equal(0.01, schedule.At(0, 0), 6);
        Assert.Equal(0.1, schedule.At(1, 0), 6);
        Assert.True(schedule.At(5, 0) < 0.1 && schedule.At(9, 9) < schedule.At(5, 0));
        var step = new LearningRateSchedule(options with { Schedule = LrScheduleKind.Step, StepEpochs = 4, WarmupEpochs = 0 }, 10);
        Assert.Equal(0.01, step.At(4, 0), 6);
    }
}
