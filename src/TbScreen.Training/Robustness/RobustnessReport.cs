namespace TbScreen.Training.Robustness;

/// <summary>
/// models/&lt;name&gt;/robustness.json. <see cref="Tables"/> is the dashboard's contract (preformatted strings); the
/// other properties carry the numbers behind them, per-image values included, for reanalysis.
/// </summary>
public sealed record RobustnessReport
{
    public const int CurrentSchemaVersion = 1;

    public int SchemaVersion { get; init; } = CurrentSchemaVersion;

    public required string Target { get; init; }

    /// <summary>"net" or "ensemble".</summary>
    public required string Kind { get; init; }

    public required IReadOnlyList<CheckpointProof> Checkpoints { get; init; }

    public required double Threshold { get; init; }

    public required DataSummary Data { get; init; }

    public RunSettings? Settings { get; init; }

    /// <summary>Every image, through ONNX Runtime.</summary>
    public required CleanMetrics Clean { get; init; }

    /// <summary>The attacked images, through the TorchSharp checkpoint: the baseline of the robust accuracies. Null when no attack ran.</summary>
    public CleanMetrics? AttackedClean { get; init; }

    public IReadOnlyList<EpsilonResult> Attacks { get; init; } = [];

    public IReadOnlyList<LipschitzResult> Lipschitz { get; init; } = [];

    public IReadOnlyList<CorruptionResult> Corruptions { get; init; } = [];

    /// <summary>Pruned against its dense source, paired on the same images; null for a dense target.</summary>
    public PruningComparison? PruningComparison { get; init; }

    public IReadOnlyList<ReportTable> Tables { get; init; } = [];

    /// <summary>SVG files next to this report.</summary>
    public IReadOnlyList<string> Plots { get; init; } = [];

    public PerImageValues? PerImage { get; init; }

    public double ElapsedSeconds { get; init; }

    public DateTimeOffset CreatedUtc { get; init; } = DateTimeOffset.UtcNow;
}

/// <summary>A rendered table: every cell already formatted.</summary>
public sealed record ReportTable(string Title, IReadOnlyList<string> Columns, IReadOnlyList<IReadOnlyList<string>> Rows);

/// <summary>The proof that the attacked checkpoint is the bundle's: its hash and the parity with the ONNX graph.</summary>
public sealed record CheckpointProof(string Bundle, string Checkpoint, string CheckpointSha256, string Onnx, string OnnxSha256, int ParityImages, double ParityMaxDifference, double Tolerance);

/// <summary>Images/Tb/NonTb: every readable image (clean metrics, corruptions). AttackedImages/AttackedTb: the images attacked.</summary>
public sealed record DataSummary(string Manifest, string? Split, string? SplitFile, int Images, int Tb, int NonTb, int AttackedImages, int AttackedTb, IReadOnlyList<string> Failures);

public sealed record RunSettings(
    IReadOnlyList<double> Epsilons,
    int PgdSteps,
    IReadOnlyList<double> PgdStepSizes,
    bool PgdRandomStart,
    int PgdRestarts,
    int LipschitzSteps,
    double LipschitzStepSize,
    double LipschitzInitialNoise,
    int Seed,
    int Threads,
    string Attack);

/// <summary>Source: "onnxruntime" (every image, the shipped path) or "torchsharp, attacked images".</summary>
public sealed record CleanMetrics(double? Auc, IReadOnlyList<double>? AucCi, string CiMethod, string Source, int Images, double Accuracy, double Sensitivity, double Specificity);

/// <summary>Accuracy at the operating threshold under attack, at one eps.</summary>
public sealed record EpsilonResult(double Epsilon, double GreyLevels, double FgsmAccuracy, double PgdAccuracy, double PgdStepSize, int Flipped);

public sealed record LipschitzResult(
    double Epsilon,
    double GreyLevels,
    string Output,
    double StepSize,
    int Steps,
    double Mean,
    IReadOnlyList<double> MeanCi,
    double Median,
    double Max,
    double? MeanWhereRobust,
    double? MeanWhereFlipped)
{
    /// <summary>
    /// How well L(x) separates the images PGD did not hold (flipped or wrong) from those it held at this eps: the
    /// probability that a random not-robust image has the larger constant (0.5 = no relation), with a DeLong 95% CI.
    /// Null when either group is empty.
    /// </summary>
    public double? NotRobustAuc { get; init; }

    public IReadOnlyList<double>? NotRobustAucCi { get; init; }
}

public sealed record CorruptionResult(string Corruption, int Severity, double Parameter, string Description, double? Auc, double Accuracy);

public sealed record PruningComparison(string Dense, int PairedImages, IReadOnlyList<PairedDifference> Lipschitz, IReadOnlyList<PairedDifference> RobustAccuracy);

/// <summary>Pruned minus dense, paired on images; CI by a percentile bootstrap of the images.</summary>
public sealed record PairedDifference(double Epsilon, string Measure, double Dense, double Pruned, double Difference, IReadOnlyList<double> DifferenceCi);

public sealed record PerImageValues(
    IReadOnlyList<string> Files,
    IReadOnlyList<bool> Labels,
    IReadOnlyList<double> CleanTbProbability,
    IReadOnlyList<PerEpsilonValues> ByEpsilon);

public sealed record PerEpsilonValues(double Epsilon, IReadOnlyList<bool> PgdRobust, IReadOnlyList<double> PgdWorstTbProbability, IReadOnlyDictionary<string, IReadOnlyList<double>> Lipschitz);
