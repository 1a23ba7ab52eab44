using TbScreen.Training.Augmentation;
using TbScreen.Inference.Datasets;
using TbScreen.Training.Data;
using TbScreen.Training.Distillation;
using TbScreen.Training.Optimizers;
using TbScreen.Training.Sampling;
using TorchSharp;
using static TorchSharp.torch;
using F = TorchSharp.torch.nn.functional;

namespace TbScreen.Training.Training;

/// <summary>What one pass over the training split did.</summary>
public sealed record EpochPass(double LossSum, int Seen, int Batches, double LastLearningRate)
{
    public double MeanLoss => Seen == 0 ? double.NaN : LossSum / Seen;
}

/// <summary>
/// What an epoch does beyond shuffling: a drawn (group-balanced) order of image indices, group DRO over the images'
/// groups (<paramref name="GroupOfImage"/> is indexed by image index), acquisition-style augmentation, and a
/// distillation teacher whose soft targets join the loss.
/// </summary>
public sealed record EpochPlan(int[]? Order = null, GroupDro? GroupDro = null, int[]? GroupOfImage = null, AcquisitionAugmenter? Acquisition = null,
    BundleTeacher? Teacher = null, SoftTargetOptions? SoftTargets = null);

/// <summary>Hooks around the optimiser step: pruning zeroes masked gradients and re-applies masks here.</summary>
public interface IStepHooks
{
    void AfterBackward();

    void AfterStep();
}

/// <summary>
/// One training epoch, shared by <see cref="Trainer"/> and pruning's retraining so both shuffle, augment, weight
/// classes and follow the learning-rate function identically.
/// </summary>
public static class EpochLoop
{
    /// <param name="learningRate">(batch index) → learning rate for that batch.</param>
    public static EpochPass Run(
        nn.Module<Tensor, Tensor> model,
        optim.Optimizer optimizer,
        PreprocessedImages images,
        int[] trainIndices,
        int[] labels,
        Tensor? classWeights,
        GrayAugmenter augmenter,
        Random epochRandom,
        int batchSize,
        int batchesPerEpoch,
        Func<int, double> learningRate,
        IStepHooks? hooks = null,
        Action<int, double>? batchDone = null,
        CancellationToken cancellation = default,
        DefenceOptions? defence = null,
        Generator? defenceGenerator = null,
        EpochPlan? plan = null)
    {
        if (plan?.Order is int[] drawn)
        {
            trainIndices = drawn; // a balanced draw is already in random order
        }
        else
        {
            epochRandom.Shuffle(trainIndices);
        }

        model.train();
        double lossSum = 0, lr = 0;
        int seen = 0, batch = 0;
        for (; batch < batchesPerEpoch; batch++)
        {
            cancellation.ThrowIfCancellationRequested();
            using var scope = NewDisposeScope();
            int[] batchIndices = trainIndices.Skip(batch * batchSize).Take(batchSize).ToArray();
            if (batchIndices.Length < 2)
            {
                break; // a lone sample breaks batch norm; it is seen in another epoch's shuffle
            }

            lr = learningRate(batch);
            foreach (var group in optimizer.ParamGroups)
            {
                group.LearningRate = lr;
            }

            var gray = Augment(augmenter, plan?.Acquisition, images.Gray(batchIndices), batchIndices, epochRandom);

            var target = tensor(batchIndices.Select(i => (long)labels[i]).ToArray());
            // Without a defence this is cross-entropy on the augmented batch (DefenceLoss's None case).
            var loss = defence is { Kind: not DefenceKind.None } && defenceGenerator is not null
                ? DefenceLoss.Compute(model, gray, target, classWeights, defence, images.ToModelInput, defenceGenerator)
                : plan?.GroupDro is { } dro
                    ? dro.Loss(F.cross_entropy(model.forward(images.ToModelInput(gray)), target, classWeights, reduction: nn.Reduction.None),
                        batchIndices.Select(i => plan.GroupOfImage![i]).ToArray())
                    : plan is { Teacher: { } teacher, SoftTargets: { } soft }
                        ? SoftTargetStep(model, teacher, soft, images.ToModelInput(gray), target, classWeights)
                        : F.cross_entropy(model.forward(images.ToModelInput(gray)), target, classWeights);
            optimizer.zero_grad();
            loss.backward();
            hooks?.AfterBackward();
            optimizer.step();
            hooks?.AfterStep();
            double value = loss.item<float>();
            lossSum += value * batchIndices.Length;
            seen += batchIndices.Length;
            batchDone?.Invoke(batch + 1, value);
        }

        return new EpochPass(lossSum, seen, batch, lr);
    }

    private static Tensor SoftTargetStep(nn.Module<Tensor, Tensor> model, BundleTeacher teacher, SoftTargetOptions soft, Tensor input, Tensor target, Tensor? classWeights) =>
        SoftTargetLoss.Compute(model.forward(input), target, classWeights, teacher.LogOdds(input), soft.Weight, soft.Temperature);

    /// <summary>The training augmentation of a batch: geometric and intensity, then acquisition-style when on.</summary>
    public static Tensor Augment(GrayAugmenter augmenter, AcquisitionAugmenter? acquisition, Tensor gray, int[] batchIndices, Random random)
    {
        gray = augmenter.Apply(gray, random);
        return acquisition is null ? gray : acquisition.Apply(gray, batchIndices, random);
    }

    /// <summary>Batches per epoch as <see cref="Trainer"/> counts them (the schedule's unit).</summary>
    public static int BatchesPerEpoch(int trainCount, TrainingOptions options) =>
        Math.Min((trainCount + options.BatchSize - 1) / options.BatchSize, options.MaxBatchesPerEpoch ?? int.MaxValue);

    /// <summary>N / (2 N_class) per class, or null when class weighting is off.</summary>
    public static Tensor? ClassWeights(IReadOnlyList<CxrRecord> train, TrainingOptions options)
    {
        if (!options.ClassWeighting)
        {
            return null;
        }

        int n = train.Count, positives = train.Count(r => r.Label == CxrRecord.Tb);
        return tensor(new[] { (float)n / (2 * (n - positives)), (float)n / (2 * positives) });
    }

    /// <summary>TorchSharp's AdamW or SGD, bit for bit, with the scalars of each step kept alive (Optimizers/KeptScalarAdamW).</summary>
    public static optim.Optimizer CreateOptimizer(nn.Module<Tensor, Tensor> model, TrainingOptions options) => options.Optimizer switch
    {
        OptimizerKind.AdamW => new KeptScalarAdamW(model.parameters(), options.PeakLearningRate, options.WeightDecay),
        _ => new KeptScalarSgd(model.parameters(), options.PeakLearningRate, options.Momentum, options.WeightDecay),
    };
}
