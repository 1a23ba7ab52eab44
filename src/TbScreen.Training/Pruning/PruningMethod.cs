namespace TbScreen.Training.Pruning;

/// <summary>The three retraining methods of Renda, Frankle &amp; Carbin (ICLR 2020).</summary>
public enum PruningMethod
{
    /// <summary>Keep the final weights; train t epochs at the original schedule's final learning rate.</summary>
    FineTune,

    /// <summary>Reset unpruned weights to their epoch-k values (masks kept); replay the schedule from epoch k.</summary>
    WeightRewind,

    /// <summary>Keep the final weights; replay the learning-rate schedule from epoch k.</summary>
    LrRewind,
}

public static class PruningMethods
{
    public static IReadOnlyList<PruningMethod> All { get; } = [PruningMethod.FineTune, PruningMethod.WeightRewind, PruningMethod.LrRewind];

    /// <summary>The command-line spelling: finetune, weight-rewind, lr-rewind.</summary>
    public static string Name(this PruningMethod method) => method switch
    {
        PruningMethod.FineTune => "finetune",
        PruningMethod.WeightRewind => "weight-rewind",
        _ => "lr-rewind",
    };

    public static PruningMethod Parse(string text) => text.Trim().ToLowerInvariant() switch
    {
        "finetune" or "fine-tune" or "fine-tuning" => PruningMethod.FineTune,
        "weight-rewind" or "weight-rewinding" => PruningMethod.WeightRewind,
        "lr-rewind" or "lr-rewinding" => PruningMethod.LrRewind,
        _ => throw new ArgumentException($"Unknown pruning method '{text}'; expected finetune, weight-rewind or lr-rewind."),
    };
}
