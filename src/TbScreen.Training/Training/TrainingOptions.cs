using TbScreen.Training.Distillation;
using TbScreen.Imaging;
using TbScreen.Training.Augmentation;
using TbScreen.Training.Models;
using TbScreen.Training.Sampling;

namespace TbScreen.Training.Training;

public enum OptimizerKind
{
    Sgd,
    AdamW,
}

public enum LrScheduleKind
{
    Cosine,
    Step,
}

/// <summary>Everything that decides a training run; written into training.json and every checkpoint sidecar.</summary>
public sealed record TrainingOptions
{
    public string Arch { get; init; } = ModelFactory.AlexNet;

    public ModelOptions Model { get; init; } = new();

    /// <summary>The preprocessing shared with inference. Border cropping is on: burned-in borders identify sites.</summary>
    public InputContract Contract { get; init; } = InputContract.Default with { CropBorders = true };

    public AugmentationOptions Augmentation { get; init; } = new();

    /// <summary>Acquisition-style augmentation (blur, noise, JPEG, borders, burned-in text, histogram matching); off by default.</summary>
    public AcquisitionOptions Acquisition { get; init; } = AcquisitionOptions.Off;

    /// <summary>Batch sampling over (source, label) groups, group DRO, and how the best epoch is selected.</summary>
    public SamplingOptions Sampling { get; init; } = new();

    /// <summary>Robust training (adversarial, TRADES, Lipschitz regulariser); none by default.</summary>
    public DefenceOptions Defence { get; init; } = new();

    /// <summary>Feature-distillation pretraining before fine-tuning (off by default).</summary>
    public DistillationOptions Distillation { get; init; } = new();

    /// <summary>Knowledge distillation from a shipped bundle during training (off by default).</summary>
    public SoftTargetOptions SoftTargets { get; init; } = new();

    public int Epochs { get; init; } = 30;

    public int BatchSize { get; init; } = 16;

    public OptimizerKind Optimizer { get; init; } = OptimizerKind.Sgd;

    /// <summary>Peak learning rate; null picks 0.01 for SGD and 3e-4 for AdamW.</summary>
    public double? LearningRate { get; init; }

    public double Momentum { get; init; } = 0.9;

    public double WeightDecay { get; init; } = 5e-4;

    public LrScheduleKind Schedule { get; init; } = LrScheduleKind.Cosine;

    /// <summary>Linear warm-up from 0 over this many epochs (per batch).</summary>
    public double WarmupEpochs { get; init; } = 1;

    public int StepEpochs { get; init; } = 10;

    public double StepGamma { get; init; } = 0.1;

    /// <summary>Weight each class by N / (2 N_class) in the loss, so the rarer class counts as much.</summary>
    public bool ClassWeighting { get; init; } = true;

    /// <summary>Stop after this many epochs without a better validation AUC.</summary>
    public int Patience { get; init; } = 8;

    /// <summary>Epochs whose weights are kept as epoch-{k}.pt for later weight rewinding; 0 is the initialisation.</summary>
    public IReadOnlyList<int> RewindEpochs { get; init; } = [0, 1, 2];

    public int Seed { get; init; } = 1;

    /// <summary>torch.set_num_threads; also the preprocessing parallelism.</summary>
    public int Threads { get; init; } = Math.Max(1, Environment.ProcessorCount);

    /// <summary>Stop each epoch after this many batches (smoke runs and timing); null = the whole training split.</summary>
    public int? MaxBatchesPerEpoch { get; init; }

    /// <summary>Skip validation: no AUC, no early stopping, no best checkpoint (timing runs, and final models trained on train + validation for exactly the set epochs, whose model is last.pt).</summary>
    public bool SkipValidation { get; init; }

    /// <summary>The lung segmentation bundle (models/lungs) that finds the crop of a contract with <see cref="InputContract.CropToLungs"/>.</summary>
    public string? LungBundle { get; init; }

    /// <summary>Start from these weights (a checkpoint of the same architecture and shape) instead of a fresh initialisation: fine-tuning.</summary>
    public string? InitialCheckpoint { get; init; }

    public double PeakLearningRate => LearningRate ?? (Optimizer == OptimizerKind.Sgd ? 0.01 : 3e-4);

    public void Validate()
    {
        ModelFactory.Normalise(Arch);
        Model.Validate();
        Contract.Validate();
        Augmentation.Validate();
        Acquisition.Validate();
        Sampling.Validate();
        Require(Sampling.Kind != SamplingKind.GroupDro || Defence.Kind == DefenceKind.None, "Group DRO and a robustness defence cannot be combined (each defines the loss).");
        Defence.Validate();
        Distillation.Validate();
        SoftTargets.Validate();
        Require(!SoftTargets.Enabled || (Sampling.Kind != SamplingKind.GroupDro && Defence.Kind == DefenceKind.None),
            "A distillation teacher cannot be combined with group DRO or a robustness defence (each defines the loss).");
        Require(!Contract.CropToLungs || LungBundle is not null, "Cropping to the lungs needs the lung segmentation bundle (--lungs).");
        Require(LungBundle is null || Directory.Exists(LungBundle), $"Lung bundle '{LungBundle}' does not exist.");
        Require(!Contract.CropToLungs || !SoftTargets.Enabled, "A distillation teacher sees the full image: it cannot teach a student that crops to the lungs.");
        Require(Epochs >= 1, "Epochs must be at least 1.");
        Require(BatchSize >= 2, "BatchSize must be at least 2 (batch norm needs two samples).");
        Require(PeakLearningRate > 0 && double.IsFinite(PeakLearningRate), "Learning rate must be positive.");
        Require(Momentum is >= 0 and < 1, "Momentum must be in [0,1).");
        Require(WeightDecay >= 0, "Weight decay must be non-negative.");
        Require(WarmupEpochs >= 0 && StepEpochs >= 1 && StepGamma is > 0 and <= 1, "Warm-up >= 0, step epochs >= 1, step gamma in (0,1].");
        Require(Patience >= 1, "Patience must be at least 1.");
        Require(Threads >= 1, "Threads must be at least 1.");
        Require(MaxBatchesPerEpoch is null or >= 1, "MaxBatchesPerEpoch must be positive.");
        Require(RewindEpochs.All(e => e >= 0), "Rewind epochs must be non-negative (those past the last epoch are never reached).");
        Require(InitialCheckpoint is null || File.Exists(InitialCheckpoint), $"Initial checkpoint '{InitialCheckpoint}' does not exist.");
        Require(!Model.Pretrained || ModelFactory.Normalise(Arch) == ModelFactory.ResNet18, $"Pretrained weights exist only for {ModelFactory.ResNet18}.");
        // ResNet-18's fixed input affine (ImageNetInput) is computed for the default normalisation.
        Require(ModelFactory.Normalise(Arch) != ModelFactory.ResNet18 || (Contract.Mean == InputContract.Default.Mean && Contract.Std == InputContract.Default.Std),
            $"{ModelFactory.ResNet18} expects the default normalisation (mean {InputContract.Default.Mean}, std {InputContract.Default.Std}).");
        Require(Contract.Size >= ModelFactory.MinimumInputSize(Arch), $"{Arch} needs an input of at least {ModelFactory.MinimumInputSize(Arch)} px (got {Contract.Size}).");
    }

    private static void Require(bool condition, string message)
    {
        if (!condition)
        {
            throw new ArgumentException(message);
        }
    }
}
