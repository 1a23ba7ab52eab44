using TbScreen.Training.Splits;
using TbScreen.Training.Tests.Fixtures;
using TbScreen.Training.Training;

namespace TbScreen.Training.Tests;

/// <summary>TrainingOptions.InitialCheckpoint: training starts from the given weights instead of a fresh initialisation.</summary>
public sealed class FineTuningTests
{
    [Fact]
    public void Fine_tuning_starts_from_the_initial_checkpoint()
    {
        using var temp = new TempFolder();
        string manifest = LayoutFixtures.Manifest(temp["data"], 16, 64);
        var data = DatasetSplit.LoadOrCreate(manifest, null, new SplitOptions { Train = 0.6, Val = 0.4, Test = 0, Seed = 2 }, null);
        var options = new TrainingOptions
        {
            Arch = "alexnet",
            Contract = new TrainingOptions().Contract with { Size = 64 },
            Epochs = 1,
            WarmupEpochs = 0,
            BatchSize = 8,
            Optimizer = OptimizerKind.AdamW,
            RewindEpochs = [],
            Threads = 1,
            SkipValidation = true,
        };
        Trainer.Run(data.Records, data.Assignment, options with { Seed = 3 }, temp["population"]);
        string population = Path.Combine(temp["population"], "last.pt");

        // A vanishing learning rate leaves the weights where they started: the checkpoint's, not a new seed's.
        var tiny = options with { Seed = 4, LearningRate = 1e-12 };
        Trainer.Run(data.Records, data.Assignment, tiny with { InitialCheckpoint = population }, temp["tuned"]);
        Trainer.Run(data.Records, data.Assignment, tiny, temp["fresh"]);

        Assert.True(Checkpoint.MaxDifference(population, Path.Combine(temp["tuned"], "last.pt")) < 1e-6);
        Assert.True(Checkpoint.MaxDifference(population, Path.Combine(temp["fresh"], "last.pt")) > 1e-3);
        Assert.Throws<ArgumentException>(() => (options with { InitialCheckpoint = temp["missing.pt"] }).Validate());
    }
}
