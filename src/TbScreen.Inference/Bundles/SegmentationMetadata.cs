using TbScreen.Imaging;

namespace TbScreen.Inference.Bundles;

/// <summary>
/// metadata.json of a segmentation bundle (models/lungs; docs/segmentation.md), a sibling of the classifier's
/// <see cref="ModelMetadata"/>: the same schema version, name, input contract, training summary, metrics and hash, but
/// <see cref="Task"/> "segmentation", a per-pixel probability output and the post-processing instead of labels and
/// operating thresholds.
/// </summary>
public sealed record SegmentationMetadata
{
    public const string SegmentationTask = "segmentation";

    public int SchemaVersion { get; init; }

    /// <summary>Always "segmentation"; a classifier bundle has no task field.</summary>
    public string Task { get; init; } = "";

    public string Name { get; init; } = "";

    public string Version { get; init; } = "";

    /// <summary>e.g. "unet".</summary>
    public string Architecture { get; init; } = "";

    /// <summary>The preprocessing the model was trained with: one channel, no border crop.</summary>
    public InputContract? Input { get; init; }

    /// <summary>Input [N, 1, Size, Size]; probability [N, 1, Size, Size], the sigmoid per pixel.</summary>
    public OnnxTensorNames Onnx { get; init; } = new();

    /// <summary>A pixel is lung when its probability, resampled to the original image, is &gt;= this.</summary>
    public double Threshold { get; init; } = 0.5;

    /// <summary>How many of the largest connected components are kept (2 lungs).</summary>
    public int KeepComponents { get; init; } = 2;

    public bool FillHoles { get; init; } = true;

    public TrainingDataSummary? Training { get; init; }

    /// <summary>The patient-level split the model was trained and tested on (split.csv beside metadata.json).</summary>
    public SegmentationSplit? Split { get; init; }

    public IReadOnlyList<ReportedMetric> Metrics { get; init; } = [];

    /// <summary>Per-image Dice on the held-out test masks at the original resolution, after post-processing.</summary>
    public DiceDistribution? TestDice { get; init; }

    /// <summary>Max |probability difference| between ONNX Runtime and the TorchSharp checkpoint on validation images, checked at export.</summary>
    public double? ParityMaxAbsDiff { get; init; }

    public string OnnxSha256 { get; init; } = "";
}

/// <summary>Which split file, how it was made, and how many masked images each part held.</summary>
public sealed record SegmentationSplit
{
    public string File { get; init; } = "split.csv";

    public int Seed { get; init; }

    public int Train { get; init; }

    public int Validation { get; init; }

    public int Test { get; init; }
}

/// <summary>Dice over a set of images: summary numbers and every image's value.</summary>
public sealed record DiceDistribution
{
    public int Count { get; init; }

    public double Mean { get; init; }

    /// <summary>Percentile bootstrap CI of the mean (2000 resamples, seeded).</summary>
    public IReadOnlyList<double>? MeanCi { get; init; }

    public double Min { get; init; }

    public double P5 { get; init; }

    public double Median { get; init; }

    public double Max { get; init; }

    /// <summary>Image file name → Dice.</summary>
    public IReadOnlyDictionary<string, double> PerImage { get; init; } = new Dictionary<string, double>();
}
