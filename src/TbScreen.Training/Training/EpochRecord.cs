namespace TbScreen.Training.Training;

/// <summary>One line of training.json's history.</summary>
public sealed record EpochRecord(int Epoch, double TrainLoss, double? ValLoss, double? ValAuc, double LearningRate, double Seconds, int Batches);

/// <summary>What <see cref="Trainer.Run"/> returns and writes as training.json.</summary>
public sealed record TrainingResult(
    TrainingOptions Options,
    IReadOnlyList<EpochRecord> History,
    int? BestEpoch,
    double? BestValAuc,
    bool StoppedEarly,
    int TrainImages,
    int ValImages,
    string OutputDirectory);

/// <summary>The JSON sidecar next to each checkpoint (name.pt → name.json).</summary>
public sealed record CheckpointSidecar(
    string Checkpoint,
    string Arch,
    int Epoch,
    double LearningRate,
    double? ValAuc,
    int Seed,
    TrainingOptions Options,
    string TorchSharpVersion,
    DateTimeOffset SavedAt);
