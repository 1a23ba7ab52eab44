using TbScreen.Training.Data;
using TbScreen.Training.Distillation;
using TbScreen.Training.Models;
using TbScreen.Training.Pretrained;
using TbScreen.Training.Splits;
using TbScreen.Training.Tests.Fixtures;
using TbScreen.Training.Training;
using TorchSharp;
using Xunit.Abstractions;
using static TorchSharp.torch;

namespace TbScreen.Training.Tests;

/// <summary>
/// Feature-distillation pretraining: the student learns to predict the teacher's features, only its penultimate
/// features are trained (the final layer is left for fine-tuning), and the trainer starts fine-tuning from the result.
/// </summary>
public sealed class DistillationTests(ITestOutputHelper output)
{
    private const int Size = 64; // AlexNet's minimum

    [Theory]
    [InlineData("alexnet", "classifier.6.weight", 1e-3)]
    [InlineData("googlenet", "fc.weight", 1e-3)]
    public void StudentLearnsToPredictTheTeachersFeaturesAndLeavesItsFinalLayerAlone(string arch, string finalWeight, double learningRate)
    {
        using var temp = new TempFolder();
        var data = DatasetSplit.LoadOrCreate(LayoutFixtures.Manifest(temp["data"], 32, Size), null,
            new SplitOptions { Train = 0.75, Val = 0.25, Test = 0, Seed = 3 }, null);
        var train = data.Records.Where(r => data.Assignment[r] == SplitName.Train).ToList();
        var val = data.Records.Where(r => data.Assignment[r] == SplitName.Val).ToList();
        var contract = new TrainingOptions().Contract with { Size = Size };
        var images = PreprocessedImages.Load([.. train, .. val], contract);
        using var generator = new Generator(11);
        using var teacher = new ResNet18Teacher(Seeded(new ResNet18Classifier(2), generator), "seeded");
        using var student = ModelFactory.Create(arch, new ModelOptions());
        SeededInit.Apply(student, generator);
        float[] finalBefore = Weight(student, finalWeight);
        float[] firstBefore = student.parameters().First().detach().data<float>().ToArray();

        var history = FeatureDistillation.Run(student, arch, teacher, images,
            Enumerable.Range(0, train.Count).ToArray(), Enumerable.Range(train.Count, val.Count).ToArray(),
            new DistillationOptions { Epochs = 25, LearningRate = learningRate }, batchSize: 8, seed: 5, augment: (gray, _, _) => gray);

        foreach (var e in history.Epochs)
        {
            output.WriteLine($"epoch {e.Epoch}: loss {e.TrainLoss:F4} val R² {e.ValR2:F3}");
        }

        Assert.Equal((arch == "alexnet" ? 512 : 1024, 512, "seeded"), (history.StudentWidth, history.TeacherWidth, history.Teacher));
        // Dropout draws from torch's global generator, so the path varies a little between runs: the bounds leave room.
        Assert.True(history.Epochs[^1].TrainLoss < 0.7 * history.Epochs[0].TrainLoss, "the distillation loss did not fall");
        Assert.True(history.Epochs[^1].ValR2 > 0.1 && history.Epochs[^1].ValR2 > history.Epochs[0].ValR2 + 0.1,
            $"held-out R² {history.Epochs[0].ValR2} -> {history.Epochs[^1].ValR2}: the student did not learn the teacher's features");
        Assert.Equal(finalBefore, Weight(student, finalWeight));
        Assert.NotEqual(firstBefore, student.parameters().First().detach().data<float>().ToArray());
    }

    [Fact]
    public void TrainerFineTunesFromTheDistilledWeightsOfACheckpointTeacher()
    {
        using var temp = new TempFolder();
        var data = DatasetSplit.LoadOrCreate(LayoutFixtures.Manifest(temp["data"], 16, Size), null,
            new SplitOptions { Train = 0.5, Val = 0.5, Test = 0, Seed = 2 }, null);
        var options = new TrainingOptions
        {
            Arch = "alexnet",
            Contract = new TrainingOptions().Contract with { Size = Size },
            Epochs = 1,
            BatchSize = 4,
            RewindEpochs = [0],
            Threads = 1,
            Distillation = new DistillationOptions { Epochs = 2, TeacherCheckpoint = TeacherCheckpoint(temp["teacher"], new TrainingOptions().Contract with { Size = Size }) },
        };

        var log = new StringWriter();
        Trainer.Run(data.Records, data.Assignment, options, temp["out"], new PlainTrainingProgress(log));

        var history = TrainingJson.Read<DistillationHistory>(Path.Combine(temp["out"], FeatureDistillation.HistoryFile));
        Assert.Equal(2, history.Epochs.Count);
        // Long distillation epochs show progress as fine-tuning's do: 8 training images in batches of 4.
        string[] lines = log.ToString().Split('\n', StringSplitOptions.TrimEntries);
        int second = Array.IndexOf(lines, "distillation epoch 2/2: 2 batches");
        Assert.True(Array.IndexOf(lines, "distillation epoch 1/2: 2 batches") is >= 0 and var first && first < second, log.ToString());
        Assert.StartsWith("batch 1/2 loss ", lines[second + 1], StringComparison.Ordinal);
        Assert.StartsWith("batch 2/2 loss ", lines[second + 2], StringComparison.Ordinal);
        Assert.StartsWith("distillation epoch 2/2: loss ", lines[second + 3], StringComparison.Ordinal);
        Assert.EndsWith("best.pt", history.Teacher, StringComparison.Ordinal);
        // The rewind point is the distilled network, not a fresh one.
        Assert.Equal(File.ReadAllBytes(Path.Combine(temp["out"], "distilled.pt")), File.ReadAllBytes(Path.Combine(temp["out"], "epoch-0.pt")));
    }

    [Fact]
    public void TeacherCheckpointsOfAnotherArchitectureOrContractAreRefused()
    {
        using var temp = new TempFolder();
        var contract = new TrainingOptions().Contract with { Size = Size };
        string checkpoint = TeacherCheckpoint(temp["teacher"], contract);
        var other = Assert.Throws<ArgumentException>(() => ResNet18Teacher.FromCheckpoint(checkpoint, contract with { Size = 96 }));
        Assert.Contains(checkpoint, other.Message, StringComparison.Ordinal);
        Assert.Contains("input contract", other.Message, StringComparison.Ordinal);

        using var alexnet = ModelFactory.Create("alexnet", new ModelOptions());
        Directory.CreateDirectory(temp["alex"]);
        new CheckpointWriter(temp["alex"], new TrainingOptions { Arch = "alexnet", Contract = contract }).Save(alexnet, "best", 1, 0.01, null);
        var wrongArch = Assert.Throws<ArgumentException>(() => ResNet18Teacher.FromCheckpoint(Path.Combine(temp["alex"], "best.pt"), contract));
        Assert.Contains("not a resnet18", wrongArch.Message, StringComparison.Ordinal);
        Assert.Throws<ArgumentException>(() => new DistillationOptions { Epochs = -1 }.Validate());
        Assert.Throws<ArgumentException>(() => new DistillationOptions { Epochs = 1, TeacherCheckpoint = Path.Combine(temp["alex"], "missing.pt") }.Validate());
    }

    private static string TeacherCheckpoint(string directory, Imaging.InputContract contract)
    {
        Directory.CreateDirectory(directory);
        using var generator = new Generator(13);
        using var net = Seeded(new ResNet18Classifier(2), generator);
        new CheckpointWriter(directory, new TrainingOptions { Arch = "resnet18", Contract = contract }).Save(net, "best", 1, 1e-4, null);
        return Path.Combine(directory, "best.pt");
    }

    private static ResNet18Classifier Seeded(ResNet18Classifier net, Generator generator)
    {
        SeededInit.Apply(net, generator);
        return net;
    }

    private static float[] Weight(nn.Module module, string name) =>
        module.named_parameters().Single(p => p.name == name).parameter.detach().cpu().data<float>().ToArray();
}
