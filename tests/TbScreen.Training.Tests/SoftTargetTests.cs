using TbScreen.Inference.Bundles;
using TbScreen.Training.Distillation;
using TbScreen.Training.Export;
using TbScreen.Training.Splits;
using TbScreen.Training.Tests.Fixtures;
using TbScreen.Training.Training;
using static TorchSharp.torch;
using F = TorchSharp.torch.nn.functional;

namespace TbScreen.Training.Tests;

/// <summary>
/// Knowledge distillation from a bundle: the loss against a hand computation, the teacher's log-odds against the
/// TorchSharp checkpoint the bundle came from, and a training run that records its teacher.
/// </summary>
public sealed class SoftTargetTests
{
    [Fact]
    public void LossEqualsTheHandComputedMixOfCrossEntropyAndTemperedKl()
    {
        double[,] logits = { { 0.3, 1.1 }, { 2.0, -0.5 } };
        long[] labels = [1, 0];
        double[] teacherLogOdds = [1.5, -3.0];
        const double weight = 0.7, temperature = 2;

        double expected = 0;
        for (int i = 0; i < 2; i++)
        {
            double z0 = logits[i, 0], z1 = logits[i, 1];
            double logZ = Math.Log(Math.Exp(z0) + Math.Exp(z1));
            double ce = -((labels[i] == 1 ? z1 : z0) - logZ);
            double q1 = 1 / (1 + Math.Exp(-teacherLogOdds[i] / temperature)), q0 = 1 - q1;
            double logZt = Math.Log(Math.Exp(z0 / temperature) + Math.Exp(z1 / temperature));
            double p0 = Math.Exp(z0 / temperature - logZt), p1 = Math.Exp(z1 / temperature - logZt);
            double kl = q0 * Math.Log(q0 / p0) + q1 * Math.Log(q1 / p1);
            expected += ((1 - weight) * ce + weight * temperature * temperature * kl) / 2;
        }

        using var scope = NewDisposeScope();
        var loss = SoftTargetLoss.Compute(tensor(new float[] { 0.3f, 1.1f, 2.0f, -0.5f }).reshape(2, 2), tensor(labels), null,
            tensor(teacherLogOdds.Select(v => (float)v).ToArray()), weight, temperature);
        Assert.Equal(expected, loss.item<float>(), 5);
    }

    [Fact]
    public void WeightZeroIsCrossEntropyAndAnAgreeingStudentHasNoSoftLoss()
    {
        using var scope = NewDisposeScope();
        var logits = tensor(new float[] { 0.2f, -1.0f, 0.5f, 2.5f, -0.3f, 0.1f }).reshape(3, 2);
        var target = tensor(new long[] { 0, 1, 1 });
        var weights = tensor(new float[] { 0.8f, 1.4f });
        var teacher = tensor(new float[] { 3f, -2f, 0.5f });
        Assert.Equal(F.cross_entropy(logits, target, weights).item<float>(), SoftTargetLoss.Compute(logits, target, weights, teacher, 0, 2).item<float>());

        // A teacher whose log-odds are the student's logit margin: the KL term is zero, so weight 1 gives 0.
        var margin = logits[.., 1] - logits[.., 0];
        Assert.Equal(0, SoftTargetLoss.Compute(logits, target, null, margin, 1, 3).item<float>(), 5);
    }

    [Theory]
    [InlineData(0f)]
    [InlineData(1f)]
    [InlineData(0.5f)]
    public void LogOddsStayFiniteForASaturatedTeacher(float probability)
    {
        float value = SoftTargetLoss.LogOdds(probability);
        Assert.True(float.IsFinite(value));
        Assert.Equal(probability == 0.5f ? 0 : Math.Sign(probability - 0.5f), Math.Sign(value));
    }

    [Fact]
    public void BundleTeacherGivesTheCheckpointsLogitMarginAndTrainingRecordsIt()
    {
        using var temp = new TempFolder();
        string manifest = LayoutFixtures.Manifest(temp["data"], 24, 32);
        var split = DatasetSplit.LoadOrCreate(manifest, null, new SplitOptions { Train = 0.5, Val = 0.5, Test = 0, Seed = 3 }, temp["split.csv"]);
        var contract = new TrainingOptions().Contract with { Size = 32 };
        var teacherOptions = new TrainingOptions
        {
            Arch = "googlenet", Contract = contract, Epochs = 2, WarmupEpochs = 0, BatchSize = 6, Optimizer = OptimizerKind.AdamW,
            LearningRate = 1e-3, RewindEpochs = [], Seed = 5, Threads = 1,
        };
        Trainer.Run(split.Records, split.Assignment, teacherOptions, temp["teacher-run"]);
        string checkpoint = Path.Combine(temp["teacher-run"], "last.pt");
        BundleExporter.Export(checkpoint, temp["teacher"], new BundleExportOptions { DataPath = manifest, SplitFile = temp["split.csv"] });

        // The independent reference: TorchSharp's logits of the checkpoint on the same seeded inputs.
        float[] margins;
        Tensor input;
        using (var generator = new TorchSharp.torch.Generator(23))
        {
            input = ((rand([5, 1, 32, 32], generator: generator) - contract.Mean) / contract.Std).expand(5, 3, 32, 32).contiguous();
        }

        var (model, _) = Checkpoints.Load(checkpoint);
        using (model)
        using (no_grad())
        {
            model.eval();
            var logits = model.call(input);
            margins = (logits[.., 1] - logits[.., 0]).data<float>().ToArray();
        }

        using (var teacher = BundleTeacher.Load(temp["teacher"], contract, threads: 1))
        {
            float[] logOdds = teacher.LogOdds(input).data<float>().ToArray();
            Assert.True(margins.Max() - margins.Min() > 1e-3, "the margins are all alike: the comparison would prove little");
            for (int i = 0; i < margins.Length; i++)
            {
                Assert.Equal(margins[i], logOdds[i], 3);
            }
        }

        var mismatch = Assert.Throws<ModelBundleException>(() => BundleTeacher.Load(temp["teacher"], contract with { Size = 64 }, 1));
        Assert.Contains("input contract", mismatch.Message, StringComparison.Ordinal);
        Assert.Contains(temp["teacher"], mismatch.Message, StringComparison.Ordinal);

        var student = teacherOptions with
        {
            Arch = "googlenet", Epochs = 1, Seed = 7,
            SoftTargets = new SoftTargetOptions { TeacherBundle = temp["teacher"], Weight = 0.5, Temperature = 3 },
        };
        var result = Trainer.Run(split.Records, split.Assignment, student, temp["student"]);
        Assert.True(double.IsFinite(result.History[0].TrainLoss));
        var recorded = TrainingJson.Read<TrainingResult>(Path.Combine(temp["student"], Trainer.HistoryFile));
        Assert.Equal(temp["teacher"], recorded.Options.SoftTargets.TeacherBundle);
        Assert.Equal(3, recorded.Options.SoftTargets.Temperature);
    }

    [Fact]
    public void ATeacherCannotBeCombinedWithGroupDroOrAMissingBundle()
    {
        var missing = new TrainingOptions { SoftTargets = new SoftTargetOptions { TeacherBundle = "/nonexistent/bundle" } };
        Assert.Contains("/nonexistent/bundle", Assert.Throws<ArgumentException>(missing.Validate).Message, StringComparison.Ordinal);
        using var temp = new TempFolder();
        var dro = new TrainingOptions
        {
            SoftTargets = new SoftTargetOptions { TeacherBundle = temp["bundle"] },
            Sampling = new Sampling.SamplingOptions { Kind = Sampling.SamplingKind.GroupDro },
        };
        Directory.CreateDirectory(temp["bundle"]);
        Assert.Contains("group DRO", Assert.Throws<ArgumentException>(dro.Validate).Message, StringComparison.Ordinal);
        Assert.Throws<ArgumentException>(() => new SoftTargetOptions { TeacherBundle = temp["bundle"], Weight = 1.5 }.Validate());
        Assert.Throws<ArgumentException>(() => new SoftTargetOptions { TeacherBundle = temp["bundle"], Temperature = 0 }.Validate());
    }
}
