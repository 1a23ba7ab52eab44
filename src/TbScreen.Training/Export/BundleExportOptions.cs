namespace TbScreen.Training.Export;

/// <summary>What `tbscreen export-onnx` needs besides the checkpoint.</summary>
public sealed record BundleExportOptions
{
    /// <summary>Bundle name (folder name under models/); defaults to the architecture.</summary>
    public string? Name { get; init; }

    public string Version { get; init; } = "1.0.0";

    /// <summary>The dataset the checkpoint was trained on (manifest or layout); default: dataset.json beside the checkpoint.</summary>
    public string? DataPath { get; init; }

    /// <summary>The split file written by training; defaults to split.csv beside the checkpoint.</summary>
    public string? SplitFile { get; init; }

    /// <summary>"sensitivity90" (WHO TPP, default) or "youden".</summary>
    public string OperatingThreshold { get; init; } = "sensitivity90";

    /// <summary>Store weights as float16 (halves the file; measured error is in docs/onnx-export.md).</summary>
    public bool Float16 { get; init; }

    public int Threads { get; init; } = Environment.ProcessorCount;

    /// <summary>The lung segmentation bundle for a checkpoint whose contract crops to the lungs; default: the one training recorded.</summary>
    public string? LungBundle { get; init; }

    /// <summary>Largest |ONNX Runtime - TorchSharp| probability accepted on the validation images.</summary>
    public double ParityTolerance { get; init; } = 1e-4;

    /// <summary>Float16 weights keep about three significant digits, so probabilities move by up to ~1e-2 (the bound the fp16 parity tests use).</summary>
    public const double Float16ParityTolerance = 1e-2;

    public double EffectiveParityTolerance => Float16 ? Math.Max(ParityTolerance, Float16ParityTolerance) : ParityTolerance;

    /// <summary>Store mostly-zero weights as ONNX sparse_initializers (unstructured-pruned models; see docs/pruning.md).</summary>
    public bool SparseWeights { get; init; }

    /// <summary>
    /// Out-of-fold predictions (one predictions.csv per fold, `tbscreen split-folds`) that choose the thresholds and give
    /// the reported metrics instead of the validation split: for a final model trained on train + validation, which has
    /// no unseen validation images of its own.
    /// </summary>
    public IReadOnlyList<string>? OutOfFoldPredictions { get; init; }

    /// <summary>The column of the out-of-fold files that holds this net's score; default the bundle name.</summary>
    public string? OutOfFoldColumn { get; init; }

    /// <summary>Where the checkpoint came from when it was derived (pruning); written into metadata.json.</summary>
    public TbScreen.Inference.Bundles.ModelLineage? Lineage { get; init; }
}
