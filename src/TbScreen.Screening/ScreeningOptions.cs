using TbScreen.Inference.Runtime;

namespace TbScreen.Screening;

/// <summary>How the pipeline is loaded and how much input it accepts; bound from the "Screening" configuration section.</summary>
public sealed class ScreeningOptions
{
    public const string SectionName = "Screening";

    /// <summary>The models/ folder holding ensemble.json and one bundle per member.</summary>
    public string ModelsDirectory { get; set; } = "models";

    /// <summary>The ensemble definition's file name in <see cref="ModelsDirectory"/>; null = ensemble.json. "ensemble-pruned.json" selects the pruned bundles.</summary>
    public string? EnsembleFile { get; set; }

    /// <summary>ONNX Runtime intra-op threads per inference call; 0 lets ONNX Runtime choose.</summary>
    public int Threads { get; set; }

    /// <summary>Try CUDA first (falls back to CPU with a warning when unavailable).</summary>
    public bool UseCuda { get; set; }

    /// <summary>
    /// Largest file the pipeline reads, in bytes. Files are read whole (DICOM parsing needs random access), so this
    /// bounds the memory of one screening; a CR/DX is typically 5-50 MB.
    /// </summary>
    public long MaxFileBytes { get; set; } = 512L * 1024 * 1024;

    /// <summary>Compute the CAM heatmap (the dashboard's overlay); batch runs that only need scores may turn it off.</summary>
    public bool Heatmap { get; set; } = true;

    public InferenceOptions ToInferenceOptions() => new() { IntraOpThreads = Threads, UseCuda = UseCuda };
}
