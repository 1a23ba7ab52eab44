namespace TbScreen.Training.Segmentation;

/// <summary>One epoch of lung training: mean train loss, validation loss and mean Dice at the model's size.</summary>
public sealed record SegmentationEpoch(int Epoch, double TrainLoss, double ValLoss, double ValDice, double ValMinDice, double LearningRate, double Seconds, int Batches);

/// <summary>training.json of `tbscreen train-lungs`.</summary>
public sealed record SegmentationTrainingResult(
    SegmentationOptions Options,
    IReadOnlyList<SegmentationEpoch> History,
    int? BestEpoch,
    double? BestValDice,
    int TrainImages,
    int ValImages,
    double TotalSeconds,
    string OutputDirectory);

/// <summary>The sidecar beside best.pt / last.pt: enough to rebuild the net before loading the weights.</summary>
public sealed record SegmentationCheckpoint(string Checkpoint, int Epoch, double ValDice, SegmentationOptions Options, DateTimeOffset SavedAt);

/// <summary>Training produced a non-finite loss; the message names the run folder, the epoch and the batch.</summary>
public sealed class SegmentationTrainingException(string outputDirectory, int epoch, int batch)
    : Exception($"{outputDirectory}: the loss became non-finite at epoch {epoch}, batch {batch}; stopped instead of writing NaN weights (try another --width, --lr or --seed)")
{
    public string OutputDirectory { get; } = outputDirectory;
}
