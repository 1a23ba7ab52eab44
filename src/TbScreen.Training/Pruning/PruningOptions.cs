namespace TbScreen.Training.Pruning;

/// <summary>What decides a pruning run (one method); written into its pruning.json so a resumed run can be checked.</summary>
public sealed record PruningOptions
{
    public PruningMethod Method { get; init; } = PruningMethod.LrRewind;

    /// <summary>Fraction of the remaining weights (unstructured) or of each layer's remaining channels (structured) removed per round.</summary>
    public double Rate { get; init; } = 0.2;

    public int Rounds { get; init; } = 10;

    /// <summary>k: the epoch rewinding goes back to. With only one of k and t given, k = T - t (Renda et al.).</summary>
    public int? RewindEpoch { get; init; }

    /// <summary>t: retraining epochs per round.</summary>
    public int? RetrainEpochs { get; init; }

    /// <summary>Remove whole channels and neurons and rebuild smaller layers instead of masking single weights.</summary>
    public bool Structured { get; init; }

    /// <summary>
    /// Unstructured only: whether the output layer is pruned with the rest. Renda et al.'s framework (open_lth) leaves it
    /// out, and so does `tbscreen prune` unless --prune-output-layer; the default here is true because records written
    /// before this option existed pruned it.
    /// </summary>
    public bool PruneOutputLayer { get; init; } = true;

    public int Seed { get; init; } = 1;

    public int Threads { get; init; } = Math.Max(1, Environment.ProcessorCount);

    /// <summary>The selection rule: the most compressed round whose validation AUC is at least dense AUC minus this.</summary>
    public double AccuracyTolerance { get; init; } = 0.01;

    /// <summary>Timed ONNX Runtime runs per round (batch 1); the median is reported.</summary>
    public int LatencyRuns { get; init; } = 20;

    /// <summary>Intra-op threads for the latency measurement.</summary>
    public int LatencyThreads { get; init; } = 1;

    public void Validate()
    {
        Require(Rate is > 0 and < 1, "--rate must be in (0, 1).");
        Require(Rounds >= 1, "--rounds must be at least 1.");
        Require(RewindEpoch is null or >= 0, "--rewind-epoch must be non-negative.");
        Require(RetrainEpochs is null or >= 1, "--retrain-epochs must be at least 1.");
        Require(RewindEpoch is not null || RetrainEpochs is not null, "Give --rewind-epoch k or --retrain-epochs t (the other follows from k = T - t).");
        Require(Threads >= 1 && LatencyThreads >= 0, "--threads must be at least 1.");
        Require(AccuracyTolerance >= 0, "--accuracy-tolerance must be non-negative.");
        Require(LatencyRuns >= 1, "Latency runs must be at least 1.");
    }

    /// <summary>(k, t) for an original schedule of <paramref name="totalEpochs"/> epochs.</summary>
    public (int RewindEpoch, int RetrainEpochs) Resolve(int totalEpochs)
    {
        int k = RewindEpoch ?? totalEpochs - RetrainEpochs!.Value;
        int t = RetrainEpochs ?? totalEpochs - k;
        Require(k >= 0 && k < totalEpochs, $"The rewind epoch {k} must lie in [0, {totalEpochs}) (the original schedule has T = {totalEpochs} epochs).");
        Require(t >= 1, $"Retraining needs at least one epoch (T = {totalEpochs}, k = {k}).");
        return (k, t);
    }

    private static void Require(bool condition, string message)
    {
        if (!condition)
        {
            throw new ArgumentException(message);
        }
    }
}
