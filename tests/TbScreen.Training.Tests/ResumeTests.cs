using TbScreen.Training.Sampling;
using TbScreen.Training.Splits;
using TbScreen.Training.Tests.Fixtures;
using TbScreen.Training.Training;

namespace TbScreen.Training.Tests;

/// <summary>
/// Trainer.Run(resume: true): a run stopped between epochs continues to exactly the weights, history and best epoch
/// of the same run uninterrupted. Exact equality needs every piece of between-epoch state (weights, optimiser
/// moments, torch's generator for dropout, the defence generator, group DRO weights), so leaving one out fails here.
/// </summary>
[Collection(SerialTorchCollection.Name)]
public sealed class ResumeTests
{
    private static readonly TrainingOptions Small = new()
    {
        Arch = "alexnet",
        Contract = new TrainingOptions().Contract with { Size = 64 },
        Epochs = 3,
        WarmupEpochs = 0,
        BatchSize = 8,
        Optimizer = OptimizerKind.AdamW,
        LearningRate = 3e-4,
        Patience = 3,
        RewindEpochs = [0, 1],
        Seed = 5,
        Threads = 1,
    };

    /// <summary>Each case exercises other between-epoch state; the number is the epoch after which the run stops.</summary>
    private static readonly Dictionary<string, (TrainingOptions Options, int StopAfter)> Cases = new()
    {
        ["alexnet, AdamW, dropout, shuffled order"] = (Small, 1),
        ["googlenet, SGD momentum, batch norm, group DRO"] = (Small with
        {
            Arch = "googlenet",
            Contract = Small.Contract with { Size = 32 },
            Optimizer = OptimizerKind.Sgd,
            LearningRate = 1e-3,
            Sampling = new SamplingOptions { Kind = SamplingKind.GroupDro },
        }, 2),
        ["alexnet, SGD, adversarial training with random starts"] = (Small with
        {
            Optimizer = OptimizerKind.Sgd,
            LearningRate = 1e-3,
            Defence = new DefenceOptions { Kind = DefenceKind.Adversarial, Epsilon = 2 / 255.0 },
        }, 1),
    };

    public static TheoryData<string> Runs => new(Cases.Keys);

    [Theory]
    [MemberData(nameof(Runs))]
    public void A_stopped_run_resumes_to_the_uninterrupted_result(string name)
    {
        using var temp = new TempFolder();
        var data = TinySplit(temp);
        var (options, stopAfter) = Cases[name];

        var whole = Trainer.Run(data.Records, data.Assignment, options, temp["whole"]);

        using var stop = new CancellationTokenSource();
        Assert.ThrowsAny<OperationCanceledException>(() =>
            Trainer.Run(data.Records, data.Assignment, options, temp["parts"], new StopAfter(stopAfter, stop), stop.Token));
        Assert.Equal(stopAfter, ResumePoint.TryRead(temp["parts"])!.Epoch);
        var resumed = Trainer.Run(data.Records, data.Assignment, options, temp["parts"], resume: true);

        Assert.Equal(whole.History.Select(h => (h.Epoch, h.TrainLoss, h.ValAuc)), resumed.History.Select(h => (h.Epoch, h.TrainLoss, h.ValAuc)));
        Assert.Equal((whole.BestEpoch, whole.BestValAuc), (resumed.BestEpoch, resumed.BestValAuc));
        foreach (string checkpoint in new[] { "last.pt", "best.pt", "epoch-1.pt" })
        {
            Assert.True(Checkpoint.MaxDifference(Path.Combine(temp["whole"], checkpoint), Path.Combine(temp["parts"], checkpoint)) == 0, $"{name}: {checkpoint} differs");
        }

        // A finished run keeps resume.json (marked finished) and no state files.
        Assert.True(ResumePoint.TryRead(temp["parts"])!.Finished);
        Assert.Empty(Directory.GetFiles(temp["parts"], "resume-*"));
    }

    [Fact]
    public void Resuming_without_the_optimiser_state_would_not_reproduce_the_run()
    {
        // The control for the test above: the same interruption, with the saved AdamW moments deleted and replaced by
        // a fresh optimiser's, ends elsewhere. Equality above is therefore evidence, not an accident of tiny data.
        using var temp = new TempFolder();
        var data = TinySplit(temp);
        Trainer.Run(data.Records, data.Assignment, Small, temp["whole"]);
        using var stop = new CancellationTokenSource();
        Assert.ThrowsAny<OperationCanceledException>(() => Trainer.Run(data.Records, data.Assignment, Small, temp["parts"], new StopAfter(1, stop), stop.Token));
        var point = ResumePoint.TryRead(temp["parts"])!;
        string optimizerFile = Path.Combine(temp["parts"], point.OptimizerFile!);
        using (var fresh = Models.ModelFactory.Create(Small.Arch, Small.Model))
        using (var optimizer = EpochLoop.CreateOptimizer(fresh, Small))
        {
            ((TorchSharp.Modules.OptimizerHelper)optimizer).save_state_dict(optimizerFile);
        }

        Trainer.Run(data.Records, data.Assignment, Small, temp["parts"], resume: true);
        Assert.True(Checkpoint.MaxDifference(Path.Combine(temp["whole"], "last.pt"), Path.Combine(temp["parts"], "last.pt")) > 0);
    }

    [Fact]
    public void A_finished_run_is_left_as_it_is()
    {
        using var temp = new TempFolder();
        var data = TinySplit(temp);
        var options = Small with { Epochs = 1 };
        var first = Trainer.Run(data.Records, data.Assignment, options, temp["run"]);
        var written = File.GetLastWriteTimeUtc(Path.Combine(temp["run"], "last.pt"));
        var messages = new Messages();

        var again = Trainer.Run(data.Records, data.Assignment, options, temp["run"], messages, resume: true);

        Assert.Equal(first.History.Select(h => h.TrainLoss), again.History.Select(h => h.TrainLoss));
        Assert.Equal(written, File.GetLastWriteTimeUtc(Path.Combine(temp["run"], "last.pt")));
        Assert.Contains(messages.Lines, m => m.Contains("already complete", StringComparison.Ordinal));
    }

    [Fact]
    public void Other_options_or_images_are_refused_by_name()
    {
        using var temp = new TempFolder();
        var data = TinySplit(temp);
        var options = Small with { Epochs = 2 };
        using var stop = new CancellationTokenSource();
        Assert.ThrowsAny<OperationCanceledException>(() => Trainer.Run(data.Records, data.Assignment, options, temp["run"], new StopAfter(1, stop), stop.Token));

        var changed = Assert.Throws<TrainingResumeException>(() =>
            Trainer.Run(data.Records, data.Assignment, options with { LearningRate = 1e-3 }, temp["run"], resume: true));
        Assert.Contains("learningRate: 0.0003 then, 0.001 now", changed.Message, StringComparison.Ordinal);
        Assert.Contains(temp["run"], changed.Message, StringComparison.Ordinal);

        var fewer = data.Assignment.Where(p => p.Key != data.Records.First(r => data.Assignment[r] == SplitName.Train)).ToDictionary();
        var otherImages = Assert.Throws<TrainingResumeException>(() => Trainer.Run(data.Records, fewer, options, temp["run"], resume: true));
        Assert.Contains("split differs", otherImages.Reason, StringComparison.Ordinal);
    }

    [Fact]
    public void A_folder_trained_without_resume_points_is_refused()
    {
        using var temp = new TempFolder();
        var data = TinySplit(temp);
        Trainer.Run(data.Records, data.Assignment, Small with { Epochs = 1 }, temp["run"]);
        File.Delete(ResumePoint.PathIn(temp["run"]));

        var refused = Assert.Throws<TrainingResumeException>(() => Trainer.Run(data.Records, data.Assignment, Small with { Epochs = 1 }, temp["run"], resume: true));
        Assert.Contains("no resume.json", refused.Reason, StringComparison.Ordinal);

        // A new, empty folder simply starts at epoch 1.
        var fresh = Trainer.Run(data.Records, data.Assignment, Small with { Epochs = 1 }, temp["new"], resume: true);
        Assert.Single(fresh.History);
    }

    private static DatasetSplit TinySplit(TempFolder temp) =>
        DatasetSplit.LoadOrCreate(LayoutFixtures.Manifest(temp["data"], 24, 64), null, new SplitOptions { Train = 0.6, Val = 0.4, Test = 0, Seed = 2 }, null);

    /// <summary>Cancels the run once the given epoch has finished, as a session ending between epochs would.</summary>
    private sealed class StopAfter(int epoch, CancellationTokenSource stop) : ITrainingProgress
    {
        public void Preprocessing(int done, int total)
        {
        }

        public void EpochStarted(int epoch, int epochs, int batches)
        {
        }

        public void BatchDone(int epoch, int batch, int batches, double loss)
        {
        }

        public void EpochDone(EpochRecord record, bool isBest)
        {
            if (record.Epoch == epoch)
            {
                stop.Cancel();
            }
        }

        public void Message(string text)
        {
        }
    }

    private sealed class Messages : ITrainingProgress
    {
        public List<string> Lines { get; } = [];

        public void Preprocessing(int done, int total)
        {
        }

        public void EpochStarted(int epoch, int epochs, int batches)
        {
        }

        public void BatchDone(int epoch, int batch, int batches, double loss)
        {
        }

        public void EpochDone(EpochRecord record, bool isBest)
        {
        }

        public void Message(string text) => Lines.Add(text);
    }
}
