using TbScreen.Training.Distillation;
using TbScreen.Training.Models;
using TbScreen.Training.Splits;
using TbScreen.Training.Tests.Fixtures;
using TbScreen.Training.Training;
using TorchSharp;
using static TorchSharp.torch;

namespace TbScreen.Training.Tests;

/// <summary>
/// Trainer.Run(resume: true) with feature distillation: a run stopped inside the distillation phase continues from its
/// last finished distillation epoch, and one stopped after it starts fine-tuning from distilled.pt, both to exactly
/// the weights and histories of the same run uninterrupted. Before, either stop started the phase again.
/// </summary>
[Collection(SerialTorchCollection.Name)]
public sealed class DistillationResumeTests
{
    private const int Size = 64;

    /// <summary>Where the run is stopped: as distillation epoch 2 of 3 starts, or as fine-tuning epoch 1 starts.</summary>
    [Theory]
    [InlineData("inside distillation")]
    [InlineData("after distillation")]
    public void A_run_stopped_in_or_after_distillation_resumes_to_the_uninterrupted_result(string stop)
    {
        using var temp = new TempFolder();
        var (data, options) = Run(temp, distillationEpochs: 3);

        var whole = Trainer.Run(data.Records, data.Assignment, options, temp["whole"]);

        using var cancel = new CancellationTokenSource();
        var stopper = new StopAt(stop == "inside distillation" ? 2 : null, cancel);
        Assert.ThrowsAny<OperationCanceledException>(() => Trainer.Run(data.Records, data.Assignment, options, temp["parts"], stopper, cancel.Token));
        var messages = new Messages();
        var resumed = Trainer.Run(data.Records, data.Assignment, options, temp["parts"], messages, resume: true);

        if (stop == "inside distillation")
        {
            Assert.Contains("resuming distillation after epoch 1 of 3", messages.Lines);
            Assert.Equal([2, 3], messages.DistillationEpochs);
        }
        else
        {
            Assert.Contains("distillation finished before the stop: fine-tuning from distilled.pt", messages.Lines);
            Assert.Empty(messages.DistillationEpochs);
        }

        var distilledWhole = TrainingJson.Read<DistillationHistory>(Path.Combine(temp["whole"], FeatureDistillation.HistoryFile));
        var distilledParts = TrainingJson.Read<DistillationHistory>(Path.Combine(temp["parts"], FeatureDistillation.HistoryFile));
        Assert.Equal(distilledWhole.Epochs.Select(e => (e.Epoch, e.TrainLoss, e.ValR2)), distilledParts.Epochs.Select(e => (e.Epoch, e.TrainLoss, e.ValR2)));
        Assert.Equal(whole.History.Select(h => (h.Epoch, h.TrainLoss, h.ValAuc)), resumed.History.Select(h => (h.Epoch, h.TrainLoss, h.ValAuc)));
        foreach (string checkpoint in new[] { "distilled.pt", "epoch-0.pt", "last.pt" })
        {
            Assert.True(Checkpoint.MaxDifference(Path.Combine(temp["whole"], checkpoint), Path.Combine(temp["parts"], checkpoint)) == 0, $"{stop}: {checkpoint} differs");
        }

        // The per-epoch distillation state is gone once distilled.pt is written; the JSON stays and marks the phase done.
        Assert.Empty(Directory.GetFiles(temp["parts"], "distillation-*.pt"));
        Assert.True(File.Exists(Path.Combine(temp["parts"], DistillationCheckpoints.FileName)));
    }

    [Fact]
    public void A_distillation_started_with_other_options_is_refused_by_name()
    {
        using var temp = new TempFolder();
        var (data, options) = Run(temp, distillationEpochs: 2);
        using var cancel = new CancellationTokenSource();
        Assert.ThrowsAny<OperationCanceledException>(() => Trainer.Run(data.Records, data.Assignment, options, temp["run"], new StopAt(2, cancel), cancel.Token));

        var other = options with { Distillation = options.Distillation with { LearningRate = 5e-4 } };
        var e = Assert.Throws<TrainingResumeException>(() => Trainer.Run(data.Records, data.Assignment, other, temp["run"], resume: true));

        Assert.Contains("its distillation was started with other options (distillation.learningRate: 0.0003 then, 0.0005 now)", e.Message);
    }

    /// <summary>16 tiny images split half and half, and an AlexNet run of one fine-tuning epoch after distillation from a seeded teacher.</summary>
    private static (DatasetSplit Data, TrainingOptions Options) Run(TempFolder temp, int distillationEpochs)
    {
        var data = DatasetSplit.LoadOrCreate(LayoutFixtures.Manifest(temp["data"], 16, Size), null,
            new SplitOptions { Train = 0.5, Val = 0.5, Test = 0, Seed = 2 }, null);
        var contract = new TrainingOptions().Contract with { Size = Size };
        return (data, new TrainingOptions
        {
            Arch = "alexnet",
            Contract = contract,
            Epochs = 1,
            WarmupEpochs = 0,
            BatchSize = 4,
            Optimizer = OptimizerKind.AdamW,
            LearningRate = 3e-4,
            RewindEpochs = [0],
            Threads = 1,
            Seed = 5,
            Distillation = new DistillationOptions { Epochs = distillationEpochs, TeacherCheckpoint = TeacherCheckpoint(temp["teacher"], contract) },
        });
    }

    private static string TeacherCheckpoint(string directory, Imaging.InputContract contract)
    {
        Directory.CreateDirectory(directory);
        using var generator = new Generator(13);
        using var net = new ResNet18Classifier(2);
        SeededInit.Apply(net, generator);
        new CheckpointWriter(directory, new TrainingOptions { Arch = "resnet18", Contract = contract }).Save(net, "best", 1, 1e-4, null);
        return Path.Combine(directory, "best.pt");
    }

    /// <summary>Cancels as distillation epoch <paramref name="distillationEpoch"/> starts, or (null) as fine-tuning's first epoch starts.</summary>
    private sealed class StopAt(int? distillationEpoch, CancellationTokenSource stop) : ITrainingProgress
    {
        public void Preprocessing(int done, int total)
        {
        }

        public void DistillationEpochStarted(int epoch, int epochs, int batches)
        {
            if (epoch == distillationEpoch)
            {
                stop.Cancel();
            }
        }

        public void EpochStarted(int epoch, int epochs, int batches)
        {
            if (distillationEpoch is null)
            {
                stop.Cancel();
            }
        }

        public void BatchDone(int epoch, int batch, int batches, double loss)
        {
        }

        public void EpochDone(EpochRecord record, bool isBest)
        {
        }

        public void Message(string text)
        {
        }
    }

    private sealed class Messages : ITrainingProgress
    {
        public List<string> Lines { get; } = [];

        public List<int> DistillationEpochs { get; } = [];

        public void Preprocessing(int done, int total)
        {
        }

        public void DistillationEpochStarted(int epoch, int epochs, int batches) => DistillationEpochs.Add(epoch);

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
