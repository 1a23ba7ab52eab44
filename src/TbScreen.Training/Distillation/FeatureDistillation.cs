using System.Diagnostics;
using TbScreen.Training.Data;
using TbScreen.Training.Evaluation;
using TbScreen.Training.Optimizers;
using TbScreen.Training.Pretrained;
using TbScreen.Training.Training;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;
using F = TorchSharp.torch.nn.functional;

namespace TbScreen.Training.Distillation;

/// <summary>
/// Feature-distillation pretraining (issue 14, item 3b): before it sees a label, the student learns to reproduce a
/// ResNet-18 teacher's pooled features on our radiographs. The student's penultimate features (the input of its final
/// linear layer, read through a forward pre-hook as <see cref="PenultimateFeatures"/> does) pass through a projection
/// (batch norm, then a linear map) trained alongside it. The loss is the mean squared error against the teacher's
/// features, centred per dimension and scaled by one common factor over the un-augmented training images. The
/// projection is dropped afterwards; the final layer never receives a gradient here, so fine-tuning starts it from its
/// initialisation.
/// </summary>
public static class FeatureDistillation
{
    public const string HistoryFile = "distillation.json";

    /// <param name="augment">The training augmentation of a batch of image indices (the same as fine-tuning's).</param>
    /// <param name="epochDone">Called after each epoch (progress lines).</param>
    /// <param name="epochStarted">Called before each epoch with its number and its batch count.</param>
    /// <param name="batchDone">Called after each batch with the epoch, the batch (from 1), the batch count and its loss.</param>
    /// <param name="checkpoints">Saves the state after each epoch and restores a stopped phase's; null: nothing is kept.</param>
    public static DistillationHistory Run(
        nn.Module<Tensor, Tensor> student,
        string arch,
        ResNet18Teacher teacher,
        PreprocessedImages images,
        int[] trainIndices,
        int[] valIndices,
        DistillationOptions options,
        int batchSize,
        int seed,
        Func<Tensor, int[], Random, Tensor> augment,
        Action<DistillationEpoch>? epochDone = null,
        CancellationToken cancellation = default,
        Action<int, int>? epochStarted = null,
        Action<int, int, int, double>? batchDone = null,
        IDistillationCheckpoints? checkpoints = null)
    {
        ArgumentNullException.ThrowIfNull(student);
        ArgumentNullException.ThrowIfNull(teacher);
        ArgumentNullException.ThrowIfNull(images);
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(augment);
        options.Validate();
        if (trainIndices.Length < 2)
        {
            throw new ArgumentException("Distillation needs at least two training images.", nameof(trainIndices));
        }

        string layerName = PenultimateFeatures.FinalLayerName(arch);
        var finalLayer = student.named_modules().FirstOrDefault(m => m.name == layerName).module as Linear
            ?? throw new ArgumentException($"{arch} has no linear '{layerName}' layer whose input could be distilled into");
        int studentWidth = (int)finalLayer.in_features;

        var (mean, std) = TeacherStatistics(teacher, images, trainIndices, batchSize);
        // Batch norm first: a freshly initialised AlexNet's features are orders of magnitude smaller than the targets,
        // and a bare linear map would need most of the phase just to grow to their scale.
        var linear = nn.Linear(studentWidth, teacher.FeatureWidth);
        using var projection = nn.Sequential(("norm", nn.BatchNorm1d(studentWidth)), ("linear", linear));
        // The projection's own seeded initialisation, so turning distillation on leaves the student's init unchanged.
        using (var generator = new Generator((ulong)seed + 104_729))
        {
            using var noGrad = no_grad();
            double bound = 1.0 / Math.Sqrt(studentWidth);
            linear.weight!.uniform_(-bound, bound, generator);
            linear.bias!.uniform_(-bound, bound, generator);
        }

        var parameters = student.parameters().Where(p => p.requires_grad).Concat(projection.parameters()).ToList();
        using var optimizer = new KeptScalarAdamW(parameters, options.LearningRate, weightDecay: 1e-4);
        int batchesPerEpoch = (trainIndices.Length + batchSize - 1) / batchSize;
        // The trainer's cosine schedule, without warm-up, over this phase's epochs.
        var schedule = new LearningRateSchedule(new TrainingOptions { Epochs = options.Epochs, LearningRate = options.LearningRate, WarmupEpochs = 0 }, batchesPerEpoch);

        var tap = new FeatureTap(layerName);
        var hook = finalLayer.register_forward_pre_hook((_, input) =>
        {
            // Sequential disposes its intermediates and the model's dispose scope frees the rest on return: keep a
            // handle of our own (an alias stays on the autograd graph), outside both.
            tap.Captured = input.alias().DetachFromDisposeScope();
            return input;
        });
        var history = new List<DistillationEpoch>();
        int done = 0;
        if (checkpoints is not null)
        {
            // Every epoch draws its order and augmentation from its own seeded stream, so the state of the modules and
            // the optimiser is all a stopped phase needs to continue exactly.
            var (restored, earlier) = checkpoints.Restore(student, projection, optimizer);
            done = restored;
            history.AddRange(earlier);
        }

        try
        {
            for (int epoch = done + 1; epoch <= options.Epochs; epoch++)
            {
                var clock = Stopwatch.StartNew();
                // Its own stream (negative epochs of the trainer's derivation), so fine-tuning's epochs stay as they were.
                var random = new Random(unchecked(seed * 1_000_003 - epoch));
                int[] order = (int[])trainIndices.Clone();
                random.Shuffle(order);
                student.train();
                projection.train();
                // Dropout only adds noise to a regression target, and its train-mode scaling would make the projection's
                // batch statistics differ from the eval-mode features fine-tuning and validation see.
                foreach (var (_, module) in student.named_modules().Where(m => m.module is Dropout))
                {
                    module.eval();
                }

                double lossSum = 0;
                int seen = 0;
                epochStarted?.Invoke(epoch, batchesPerEpoch);
                for (int b = 0; b < batchesPerEpoch; b++)
                {
                    cancellation.ThrowIfCancellationRequested();
                    using var scope = NewDisposeScope();
                    int[] batch = order.Skip(b * batchSize).Take(batchSize).ToArray();
                    if (batch.Length < 2)
                    {
                        break; // a lone sample breaks batch norm
                    }

                    double lr = schedule.At(epoch - 1, b);
                    foreach (var group in optimizer.ParamGroups)
                    {
                        group.LearningRate = lr;
                    }

                    var input = images.ToModelInput(augment(images.Gray(batch), batch, random));
                    var target = (teacher.Features(input) - mean) / std;
                    var features = tap.Forward(student, input);
                    var loss = F.mse_loss(projection.forward(features), target);
                    optimizer.zero_grad();
                    loss.backward();
                    optimizer.step();
                    double batchLoss = loss.item<float>();
                    lossSum += batchLoss * batch.Length;
                    seen += batch.Length;
                    batchDone?.Invoke(epoch, b + 1, batchesPerEpoch, batchLoss);
                }

                double? valR2 = valIndices.Length == 0 ? null : 1 - ValidationLoss(student, projection, teacher, images, valIndices, batchSize, mean, std, tap);
                var record = new DistillationEpoch(epoch, lossSum / Math.Max(1, seen), valR2, clock.Elapsed.TotalSeconds);
                history.Add(record);
                checkpoints?.Save(epoch, options.Epochs, history, student, projection, optimizer);
                epochDone?.Invoke(record);
            }
        }
        finally
        {
            hook.remove(); // the student is fine-tuned next, without the hook
            mean.Dispose();
            std.Dispose();
        }

        student.eval();
        return new DistillationHistory(teacher.Description, teacher.FeatureWidth, studentWidth, options, history);
    }

    /// <summary>
    /// The teacher's per-dimension feature mean on the un-augmented training images, and one scale for all dimensions:
    /// the root of their mean variance. A per-dimension scale would blow up dimensions that barely vary (a few images,
    /// or units that rarely fire); with one scale the loss is the unexplained share of the total feature variance.
    /// </summary>
    private static (Tensor Mean, Tensor Std) TeacherStatistics(ResNet18Teacher teacher, PreprocessedImages images, int[] indices, int batchSize)
    {
        using var scope = NewDisposeScope();
        var all = cat(indices.Chunk(batchSize).Select(chunk => teacher.Features(images.ToModelInput(images.Gray(chunk)))).ToList(), 0);
        var mean = all.mean([0], keepdim: true);
        var std = all.var([0]).mean().sqrt().clamp_min(1e-6f);
        return (mean.MoveToOuterDisposeScope(), std.MoveToOuterDisposeScope());
    }

    private static double ValidationLoss(nn.Module<Tensor, Tensor> student, nn.Module<Tensor, Tensor> projection, ResNet18Teacher teacher, PreprocessedImages images,
        int[] indices, int batchSize, Tensor mean, Tensor std, FeatureTap tap)
    {
        student.eval();
        projection.eval();
        using var noGrad = no_grad();
        double sum = 0;
        foreach (int[] chunk in indices.Chunk(batchSize))
        {
            using var scope = NewDisposeScope();
            var input = images.ToModelInput(images.Gray(chunk));
            var target = (teacher.Features(input) - mean) / std;
            var features = tap.Forward(student, input);
            sum += F.mse_loss(projection.forward(features), target).item<float>() * chunk.Length;
        }

        return sum / indices.Length;
    }

    /// <summary>Holds what the final layer's pre-hook saw during one forward pass.</summary>
    private sealed class FeatureTap(string layerName)
    {
        public Tensor? Captured { get; set; }

        public Tensor Forward(nn.Module<Tensor, Tensor> student, Tensor input)
        {
            Captured = null;
            student.forward(input);
            var captured = Captured ?? throw new InvalidOperationException($"the {layerName} hook did not fire");
            var kept = captured.alias(); // created in the caller's scope, still on the autograd graph
            captured.Dispose();
            return kept;
        }
    }
}
