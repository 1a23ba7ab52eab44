using TbScreen.Inference.Lungs;
using System.Diagnostics;
using TbScreen.Inference.Metrics;
using TbScreen.Training.Augmentation;
using TbScreen.Inference.Datasets;
using TbScreen.Training.Data;
using TbScreen.Training.Distillation;
using TbScreen.Training.Evaluation;
using TbScreen.Training.Models;
using TbScreen.Training.Pretrained;
using TbScreen.Training.Sampling;
using TbScreen.Training.Splits;
using TorchSharp;
using static TorchSharp.torch;
using F = TorchSharp.torch.nn.functional;

namespace TbScreen.Training.Training;

/// <summary>
/// Trains one architecture on the train split, early-stops on validation AUC, and writes into the output folder:
/// last.pt (every epoch), best.pt, epoch-{k}.pt (rewind points), a .json sidecar for each, training.json, and
/// resume.json (<see cref="ResumePoint"/>), from which a stopped run continues exactly. The test split is never read here.
/// </summary>
public static class Trainer
{
    public const string HistoryFile = "training.json";

    public static TrainingResult Run(
        IReadOnlyList<CxrRecord> records,
        IReadOnlyDictionary<CxrRecord, SplitName> split,
        TrainingOptions options,
        string outputDirectory,
        ITrainingProgress? progress = null,
        CancellationToken cancellation = default,
        bool resume = false)
    {
        ArgumentNullException.ThrowIfNull(records);
        ArgumentNullException.ThrowIfNull(split);
        ArgumentNullException.ThrowIfNull(options);
        ArgumentException.ThrowIfNullOrWhiteSpace(outputDirectory);
        options.Validate();
        progress ??= SilentProgress.Instance;

        var train = records.Where(r => split.TryGetValue(r, out var s) && s == SplitName.Train).ToList();
        var val = options.SkipValidation ? [] : records.Where(r => split.TryGetValue(r, out var s) && s == SplitName.Val).ToList();
        RequireBothClasses(train, "training");
        if (!options.SkipValidation)
        {
            RequireBothClasses(val, "validation (AUC-based early stopping)");
        }

        Directory.CreateDirectory(outputDirectory);
        string fingerprint = ResumePoint.Fingerprint(train, val);
        var resumeFrom = resume ? ResumableRun.Find(outputDirectory, options, fingerprint) : null;
        if (resumeFrom is { Finished: true })
        {
            progress.Message($"the run in {outputDirectory} is already complete ({resumeFrom.History.Count} epochs); nothing to resume");
            return WriteHistory(outputDirectory, options, [.. resumeFrom.History], resumeFrom.BestEpoch, resumeFrom.BestValAuc, resumeFrom.StoppedEarly, train.Count, val.Count);
        }

        torch.set_num_threads(options.Threads);
        torch.manual_seed(options.Seed);
        var random = new Random(options.Seed);

        int total = train.Count + val.Count, done = 0;
        PreprocessedImages images;
        using (var lungs = options.Contract.CropToLungs ? LungSegmenter.FromBundle(options.LungBundle!) : null)
        {
            images = PreprocessedImages.Load([.. train, .. val], options.Contract, options.Threads,
                () => progress.Preprocessing(Interlocked.Increment(ref done), total), lungs);
        }

        int[] trainIndices = Enumerable.Range(0, train.Count).ToArray();
        int[] valIndices = Enumerable.Range(train.Count, val.Count).ToArray();
        int[] labels = [.. train.Select(r => r.Label), .. val.Select(r => r.Label)];

        using var model = ModelFactory.Create(options.Arch, options.Model);
        if (options.InitialCheckpoint is string initial)
        {
            model.load(initial);
        }

        var augmenter = new GrayAugmenter(options.Augmentation);
        string[] sourceOfImage = [.. train.Select(r => r.Source ?? "unknown"), .. val.Select(r => r.Source ?? "unknown")];
        var acquisition = options.Acquisition.Enabled ? new AcquisitionAugmenter(options.Acquisition, sourceOfImage, trainIndices, images.Plane) : null;
        if (options.Distillation.Enabled && resumeFrom is null)
        {
            var distillation = new DistillationCheckpoints(outputDirectory, options, fingerprint, resume);
            if (distillation.PhaseFinished)
            {
                distillation.RestoreFinished(model);
                progress.Message($"distillation finished before the stop: fine-tuning from {DistillationCheckpoints.DistilledCheckpoint}");
            }
            else
            {
                if (distillation.DoneEpochs is > 0 and var distilledEpochs)
                {
                    progress.Message($"resuming distillation after epoch {distilledEpochs} of {options.Distillation.Epochs}");
                }

                Distill(model, options, images, trainIndices, valIndices, augmenter, acquisition, outputDirectory, progress, distillation, cancellation);
            }
        }

        using var teacher = options.SoftTargets.Enabled
            ? BundleTeacher.Load(options.SoftTargets.TeacherBundle!, options.Contract, options.SoftTargets.TeacherThreads)
            : null;
        if (teacher is not null)
        {
            progress.Message($"soft targets from {teacher.Description}: weight {options.SoftTargets.Weight}, temperature {options.SoftTargets.Temperature}");
        }

        using var classWeights = EpochLoop.ClassWeights(train, options);
        using var optimizer = EpochLoop.CreateOptimizer(model, options);
        int batchesPerEpoch = EpochLoop.BatchesPerEpoch(trainIndices.Length, options);
        var schedule = new LearningRateSchedule(options, batchesPerEpoch);
        var checkpoints = new CheckpointWriter(outputDirectory, options);
        if (options.RewindEpochs.Contains(0) && resumeFrom is null)
        {
            checkpoints.Save(model, "epoch-0", 0, 0, null);
        }

        var groups = new TrainingGroups(train, options.Sampling.MinGroupSize);
        var dro = options.Sampling.Kind == SamplingKind.GroupDro ? new GroupDro(groups.Count, options.Sampling.DroStepSize) : null;
        var valGroups = val.Select(r => r.Source ?? "unknown").ToArray();

        // The defence's random starts: its own seeded stream, so turning it on leaves order and augmentation unchanged.
        using var defenceGenerator = new Generator((ulong)options.Seed + 7919);
        var history = new List<EpochRecord>();
        double? bestAuc = null;
        int? bestEpoch = null;
        bool stoppedEarly = false;
        int firstEpoch = 1;
        if (resumeFrom is not null)
        {
            ResumableRun.Restore(resumeFrom, outputDirectory, model, optimizer, defenceGenerator, dro, trainIndices);
            (history, bestAuc, bestEpoch, firstEpoch) = ([.. resumeFrom.History], resumeFrom.BestValAuc, resumeFrom.BestEpoch, resumeFrom.Epoch + 1);
            progress.Message($"resuming after epoch {resumeFrom.Epoch} of {options.Epochs}");
        }

        for (int epoch = firstEpoch; epoch <= options.Epochs; epoch++)
        {
            cancellation.ThrowIfCancellationRequested();
            var clock = Stopwatch.StartNew();
            progress.EpochStarted(epoch, options.Epochs, batchesPerEpoch);
            // One stream per epoch, derived from the seed only, so an epoch's order and augmentation reproduce.
            var epochRandom = new Random(unchecked(options.Seed * 1_000_003 + epoch));
            int scheduleEpoch = epoch - 1;
            var plan = new EpochPlan(
                options.Sampling.Kind == SamplingKind.Shuffle ? null : groups.DrawEpoch(epochRandom, trainIndices.Length),
                dro,
                groups.GroupOf,
                acquisition,
                teacher,
                options.SoftTargets);
            var pass = EpochLoop.Run(model, optimizer, images, trainIndices, labels, classWeights, augmenter, epochRandom,
                options.BatchSize, batchesPerEpoch, b => schedule.At(scheduleEpoch, b), null,
                (b, loss) => progress.BatchDone(epoch, b, batchesPerEpoch, loss), cancellation, options.Defence, defenceGenerator, plan);
            double lr = pass.LastLearningRate;
            int seen = pass.Seen, batch = pass.Batches;
            double lossSum = pass.LossSum;

            var (valLoss, valAuc) = options.SkipValidation ? (null, null) : Validate(model, images, valIndices, labels, options.BatchSize, valGroups, options.Sampling.Selection);
            var record = new EpochRecord(epoch, seen == 0 ? double.NaN : lossSum / seen, valLoss, valAuc, lr, clock.Elapsed.TotalSeconds, batch);
            history.Add(record);
            checkpoints.Save(model, "last", epoch, lr, valAuc);
            if (options.RewindEpochs.Contains(epoch))
            {
                checkpoints.Save(model, $"epoch-{epoch}", epoch, lr, valAuc);
            }

            bool isBest = valAuc is double auc && (bestAuc is null || auc > bestAuc);
            if (isBest)
            {
                bestAuc = valAuc;
                bestEpoch = epoch;
                checkpoints.Save(model, "best", epoch, lr, valAuc);
            }

            // Early stopping counts the epochs since the best one (ResumePoint.SinceBest).
            var point = new ResumePoint(epoch, options, fingerprint, [.. history], bestEpoch, bestAuc, null, null, null, null, dro?.Weights.ToArray(), [.. trainIndices]);
            stoppedEarly = point.StoppedEarly;
            ResumableRun.Save(point, outputDirectory, model, optimizer, defenceGenerator);
            progress.EpochDone(record, isBest);
            WriteHistory(outputDirectory, options, history, bestEpoch, bestAuc, stoppedEarly, train.Count, val.Count);
            if (stoppedEarly)
            {
                progress.Message($"early stop: no better validation AUC for {options.Patience} epochs (best {bestAuc:F4} at epoch {bestEpoch})");
                break;
            }
        }

        return WriteHistory(outputDirectory, options, history, bestEpoch, bestAuc, stoppedEarly, train.Count, val.Count);
    }

    /// <summary>
    /// Feature-distillation pretraining with the fine-tuning's augmentation; its history goes to distillation.json and
    /// the distilled weights to distilled.pt, the start of fine-tuning (and epoch-0.pt, the rewind point, when kept).
    /// </summary>
    private static void Distill(nn.Module<Tensor, Tensor> model, TrainingOptions options, PreprocessedImages images, int[] trainIndices, int[] valIndices,
        GrayAugmenter augmenter, AcquisitionAugmenter? acquisition, string outputDirectory, ITrainingProgress progress, DistillationCheckpoints checkpoints,
        CancellationToken cancellation)
    {
        using var teacher = options.Distillation.TeacherCheckpoint is string checkpoint
            ? ResNet18Teacher.FromCheckpoint(checkpoint, options.Contract)
            : new ResNet18Teacher();
        progress.Message($"feature distillation from the {teacher.Description} ResNet-18: {options.Distillation.Epochs} epochs");
        var history = FeatureDistillation.Run(model, options.Arch, teacher, images, trainIndices, valIndices, options.Distillation, options.BatchSize, options.Seed,
            (gray, batch, random) => EpochLoop.Augment(augmenter, acquisition, gray, batch, random), e => progress.Message($"distillation epoch {e.Epoch}/{options.Distillation.Epochs}: loss {e.TrainLoss:F4}, validation R² {e.ValR2:F3} ({e.Seconds:F0} s)"),
            cancellation,
            (epoch, batches) => progress.DistillationEpochStarted(epoch, options.Distillation.Epochs, batches),
            progress.BatchDone,
            checkpoints);
        TrainingJson.Write(Path.Combine(outputDirectory, FeatureDistillation.HistoryFile), history);
        new CheckpointWriter(outputDirectory, options).Save(model, "distilled", 0, options.Distillation.LearningRate, null);
        checkpoints.DiscardState();
    }

    /// <summary>
    /// Validation loss (unweighted) and the selection AUC of P(TB) in eval mode, without augmentation: pooled, or
    /// (<see cref="SelectionKind.WithinSource"/>) the mean AUC over the sources that hold both classes.
    /// </summary>
    private static (double? Loss, double? Auc) Validate(nn.Module<Tensor, Tensor> model, PreprocessedImages images, int[] indices, int[] labels, int batchSize,
        string[] sourceOfValImage, SelectionKind selection)
    {
        model.eval();
        var scores = new List<double>(indices.Length);
        double lossSum = 0;
        using var noGrad = no_grad();
        foreach (int[] chunk in indices.Chunk(batchSize))
        {
            using var scope = NewDisposeScope();
            var logits = model.forward(images.ToModelInput(images.Gray(chunk)));
            var target = tensor(chunk.Select(i => (long)labels[i]).ToArray());
            lossSum += F.cross_entropy(logits, target).item<float>() * chunk.Length;
            scores.AddRange(F.softmax(logits, 1)[.., 1].data<float>().Select(p => (double)p));
        }

        bool[] isTb = indices.Select(i => labels[i] == 1).ToArray();
        return (lossSum / indices.Length, SelectionAuc.Compute(scores, isTb, sourceOfValImage, selection));
    }

    private static void RequireBothClasses(List<CxrRecord> records, string what)
    {
        int positives = records.Count(r => r.Label == CxrRecord.Tb);
        if (positives == 0 || positives == records.Count)
        {
            throw new DatasetException($"the {what} split needs both classes; it has {positives} TB and {records.Count - positives} non-TB images");
        }
    }

    private static TrainingResult WriteHistory(string outputDirectory, TrainingOptions options, List<EpochRecord> history,
        int? bestEpoch, double? bestAuc, bool stoppedEarly, int trainCount, int valCount)
    {
        var result = new TrainingResult(options, history.ToList(), bestEpoch, bestAuc, stoppedEarly, trainCount, valCount, Path.GetFullPath(outputDirectory));
        TrainingJson.Write(Path.Combine(outputDirectory, HistoryFile), result);
        return result;
    }
}
