using System.Diagnostics;
using System.Globalization;
using TbScreen.Training.Augmentation;
using TbScreen.Training.Optimizers;
using TbScreen.Inference.Datasets;
using TbScreen.Training.Training;
using TorchSharp;
using static TorchSharp.torch;

namespace TbScreen.Training.Segmentation;

/// <summary>
/// Trains the lung U-Net on the train split's masked images, measures Dice on the validation split after each epoch
/// and keeps the best epoch as best.pt (with best.json), the latest as last.pt, and the history as training.json.
/// The test split is never read here.
/// </summary>
public static class SegmentationTrainer
{
    public const string HistoryFile = "training.json";
    public const string BestCheckpoint = "best.pt";

    public static SegmentationTrainingResult Run(
        IReadOnlyList<CxrRecord> train,
        IReadOnlyList<CxrRecord> val,
        SegmentationOptions options,
        string outputDirectory,
        TextWriter log)
    {
        ArgumentNullException.ThrowIfNull(train);
        ArgumentNullException.ThrowIfNull(val);
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(log);
        options.Validate();
        if (train.Count < 2 || val.Count < 1)
        {
            throw new DatasetException($"lung training needs at least 2 training and 1 validation image with masks (got {train.Count} and {val.Count})");
        }

        Directory.CreateDirectory(outputDirectory);
        var total = Stopwatch.StartNew();
        torch.set_num_threads(options.Threads);
        torch.manual_seed(options.Seed);

        var clock = Stopwatch.StartNew();
        var trainData = MaskedImages.Load(train, options.Contract, options.Threads);
        var valData = MaskedImages.Load(val, options.Contract, options.Threads);
        log.WriteLine($"preprocessed {train.Count} train and {val.Count} val images with masks in {clock.Elapsed.TotalSeconds:F0} s");

        using var model = new UNet(options.Net);
        using var optimizer = new KeptScalarAdamW(model.parameters(), options.LearningRate, options.WeightDecay);
        var acquisition = options.Acquisition.Enabled
            ? new AcquisitionAugmenter(options.Acquisition, train.Select(r => r.Source ?? "unknown").ToList(), Enumerable.Range(0, train.Count).ToList(), trainData.Images.Plane)
            : null;
        var augmenter = new JointAugmenter(options.Augmentation, options.FieldOfView, acquisition);
        int batchesPerEpoch = (train.Count + options.BatchSize - 1) / options.BatchSize;
        if (options.MaxBatchesPerEpoch is int cap)
        {
            batchesPerEpoch = Math.Min(batchesPerEpoch, cap);
        }

        var history = new List<SegmentationEpoch>();
        int? bestEpoch = null;
        double? bestDice = null;
        int[] order = Enumerable.Range(0, train.Count).ToArray();
        for (int epoch = 1; epoch <= options.Epochs; epoch++)
        {
            clock.Restart();
            // One stream per epoch, from the seed only, so an epoch's order and augmentation reproduce.
            var random = new Random(unchecked(options.Seed * 1_000_003 + epoch));
            random.Shuffle(order);
            model.train();
            double lossSum = 0, lr = 0;
            int seen = 0, batches = 0;
            for (int b = 0; b < batchesPerEpoch; b++)
            {
                int[] indices = order.Skip(b * options.BatchSize).Take(options.BatchSize).ToArray();
                if (indices.Length < 2)
                {
                    break; // a lone sample breaks batch norm; it is seen in another epoch's shuffle
                }

                using var scope = NewDisposeScope();
                lr = LearningRateAt(options, epoch - 1 + (double)b / batchesPerEpoch, batchesPerEpoch);
                foreach (var group in optimizer.ParamGroups)
                {
                    group.LearningRate = lr;
                }

                var (gray, mask) = trainData.Batch(indices);
                var (x, y) = augmenter.Apply(gray, mask, indices, random);
                optimizer.zero_grad();
                var loss = SegmentationLoss.Compute(model.forward(Normalise(x, options)), y);
                float lossValue = loss.item<float>();
                if (!float.IsFinite(lossValue))
                {
                    // Seen with 4- and 8-wide nets at 32 px (intermittently, not root-caused); never with the shipped shape.
                    throw new SegmentationTrainingException(Path.GetFullPath(outputDirectory), epoch, b + 1);
                }

                loss.backward();
                optimizer.step();
                lossSum += lossValue * indices.Length;
                seen += indices.Length;
                batches++;
                if (epoch == 1 && b < 3)
                {
                    log.WriteLine($"  batch {b + 1}: loss {lossValue:F4}, {clock.Elapsed.TotalMilliseconds / (b + 1):F0} ms per batch of {indices.Length}");
                }
            }

            var (valLoss, dice) = Validate(model, valData, options);
            var record = new SegmentationEpoch(epoch, lossSum / Math.Max(1, seen), valLoss, dice.Average(), dice.Min(), lr, clock.Elapsed.TotalSeconds, batches);
            history.Add(record);
            Save(model, outputDirectory, "last", record, options);
            bool isBest = bestDice is null || record.ValDice > bestDice;
            if (isBest)
            {
                bestDice = record.ValDice;
                bestEpoch = epoch;
                Save(model, outputDirectory, "best", record, options);
            }

            log.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"epoch {epoch}/{options.Epochs}: train loss {record.TrainLoss:F4}, val loss {valLoss:F4}, val Dice mean {record.ValDice:F4} min {record.ValMinDice:F4}, lr {lr:G3}, {record.Seconds:F0} s{(isBest ? " (best)" : "")}"));
            log.Flush();
            WriteHistory(outputDirectory, options, history, bestEpoch, bestDice, train.Count, val.Count, total.Elapsed.TotalSeconds);
        }

        return WriteHistory(outputDirectory, options, history, bestEpoch, bestDice, train.Count, val.Count, total.Elapsed.TotalSeconds);
    }

    /// <summary>Loads a checkpoint written here, rebuilding the net from its sidecar, in eval mode.</summary>
    public static (UNet Model, SegmentationCheckpoint Sidecar) Load(string checkpointPath)
    {
        var sidecar = TrainingJson.Read<SegmentationCheckpoint>(Path.ChangeExtension(checkpointPath, ".json"));
        var model = new UNet(sidecar.Options.Net);
        model.load(checkpointPath);
        model.eval();
        return (model, sidecar);
    }

    /// <summary>The contract's (x - Mean) / Std on the [0,1] grey batch.</summary>
    public static Tensor Normalise(Tensor gray, SegmentationOptions options) =>
        (gray - options.Contract.Mean) / options.Contract.Std;

    /// <summary>Linear warm-up over the first epoch, then cosine decay to zero at the last.</summary>
    internal static double LearningRateAt(SegmentationOptions options, double epochsElapsed, int batchesPerEpoch)
    {
        if (epochsElapsed < 1)
        {
            return options.LearningRate * (epochsElapsed + 1.0 / batchesPerEpoch);
        }

        double progress = Math.Clamp((epochsElapsed - 1) / Math.Max(1e-9, options.Epochs - 1), 0, 1);
        return options.LearningRate * 0.5 * (1 + Math.Cos(Math.PI * progress));
    }

    /// <summary>Validation loss and per-image hard Dice (probability >= 0.5 against mask >= 0.5) at the model's size.</summary>
    private static (double Loss, double[] Dice) Validate(UNet model, MaskedImages data, SegmentationOptions options)
    {
        model.eval();
        using var noGrad = no_grad();
        var dice = new List<double>(data.Count);
        double lossSum = 0;
        foreach (int[] chunk in Enumerable.Range(0, data.Count).Chunk(options.BatchSize))
        {
            using var scope = NewDisposeScope();
            var (gray, mask) = data.Batch(chunk);
            var logits = model.forward(Normalise(gray, options));
            lossSum += SegmentationLoss.Compute(logits, mask).item<float>() * chunk.Length;
            var predicted = logits.ge(0).to_type(ScalarType.Float32);
            var truth = mask.ge(0.5).to_type(ScalarType.Float32);
            var dims = new long[] { 1, 2, 3 };
            var overlap = (predicted * truth).sum(dims);
            var sizes = predicted.sum(dims) + truth.sum(dims);
            // Both empty counts as perfect agreement, as in Inference's MaskMetrics.Dice.
            var perImage = where(sizes.eq(0), ones_like(sizes), 2 * overlap / sizes.clamp_min(1));
            dice.AddRange(perImage.data<float>().Select(v => (double)v));
        }

        return (lossSum / data.Count, dice.ToArray());
    }

    private static void Save(UNet model, string directory, string name, SegmentationEpoch record, SegmentationOptions options)
    {
        string weights = Path.Combine(directory, name + ".pt");
        string temporary = weights + ".tmp";
        model.save(temporary); // write then rename, so an interrupted save never leaves a truncated checkpoint
        File.Move(temporary, weights, overwrite: true);
        TrainingJson.Write(Path.Combine(directory, name + ".json"),
            new SegmentationCheckpoint(name + ".pt", record.Epoch, record.ValDice, options, DateTimeOffset.UtcNow));
    }

    private static SegmentationTrainingResult WriteHistory(string directory, SegmentationOptions options, List<SegmentationEpoch> history,
        int? bestEpoch, double? bestDice, int trainCount, int valCount, double seconds)
    {
        var result = new SegmentationTrainingResult(options, history.ToList(), bestEpoch, bestDice, trainCount, valCount, seconds, Path.GetFullPath(directory));
        TrainingJson.Write(Path.Combine(directory, HistoryFile), result);
        return result;
    }
}
