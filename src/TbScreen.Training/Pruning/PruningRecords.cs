namespace TbScreen.Training.Pruning;

/// <summary>An AUC with its DeLong 95% interval.</summary>
public sealed record AucWithCi(double? Auc, double? Low, double? High);

/// <summary>One round of a pruning run (round 0 is the unpruned source model).</summary>
public sealed record PruningRound
{
    public int Round { get; init; }

    /// <summary>Conv + linear weights of the dense source model.</summary>
    public long DensePrunableWeights { get; init; }

    /// <summary>Non-zero (unstructured) or still present (structured) conv + linear weights.</summary>
    public long RemainingWeights { get; init; }

    public double Sparsity { get; init; }

    /// <summary>Dense prunable weights / remaining weights.</summary>
    public double Compression { get; init; }

    /// <summary>All parameters that remain (biases and batch norm included; pruned zeros excluded).</summary>
    public long Parameters { get; init; }

    /// <summary>The plain (dense-stored) ONNX file: smaller only when structured pruning removed channels.</summary>
    public long OnnxBytes { get; init; }

    public long OnnxGzipBytes { get; init; }

    /// <summary>Unstructured only: the ONNX file with mostly-zero weights as sparse_initializers (null if not written).</summary>
    public long? SparseOnnxBytes { get; init; }

    public long? SparseOnnxGzipBytes { get; init; }

    /// <summary>Largest |sparse ONNX - dense ONNX| probability on the parity images (null if not written).</summary>
    public double? SparseParityMaxAbsDiff { get; init; }

    public AucWithCi Validation { get; init; } = new(null, null, null);

    public AucWithCi Test { get; init; } = new(null, null, null);

    public LatencyMeasurement? Latency { get; init; }

    public double RetrainSeconds { get; init; }

    /// <summary>The round's checkpoint (relative to the run folder).</summary>
    public string Checkpoint { get; init; } = "";

    /// <summary>Structured only: every prunable layer's width after this round.</summary>
    public IReadOnlyDictionary<string, int>? Widths { get; init; }
}

/// <summary>A method's pruning.json: the options, the source, the retraining schedule, and the rounds so far.</summary>
public sealed record PruningRunRecord
{
    public string Method { get; init; } = "";

    public string Arch { get; init; } = "";

    public bool Structured { get; init; }

    public PruningOptions Options { get; init; } = new();

    public string SourceCheckpoint { get; init; } = "";

    public string SourceSha256 { get; init; } = "";

    /// <summary>T: epochs of the original schedule.</summary>
    public int OriginalEpochs { get; init; }

    public int RewindEpoch { get; init; }

    public int RetrainEpochs { get; init; }

    /// <summary>Per-batch learning rates of one retraining round, summarised: first and last.</summary>
    public double RetrainFirstLearningRate { get; init; }

    public double RetrainLastLearningRate { get; init; }

    public string? RewindCheckpoint { get; init; }

    public IReadOnlyList<PruningRound> Rounds { get; init; } = [];

    public bool Finished { get; init; }
}
