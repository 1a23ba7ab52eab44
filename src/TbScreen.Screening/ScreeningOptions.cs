using TbScreen.Dicom.Codecs.Isolation;
using TbScreen.Dicom.Pixels;
using TbScreen.Inference.Runtime;
using TbScreen.Inference.Stability;

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

    /// <summary>
    /// Run the per-result stability check (key Screening:StabilityCheck): flag "unstable" when a perturbation of at most
    /// <see cref="StabilityEpsilon"/> per pixel flips the call. Off by default: it costs ~22 extra ONNX queries per
    /// member per image (docs/robustness.md has the measured cost).
    /// </summary>
    public bool StabilityCheck { get; set; }

    /// <summary>The check's radius in [0,1] image units (default 2/255: two grey levels).</summary>
    public double StabilityEpsilon { get; set; } = 2 / 255.0;

    public int StabilityRandomSamples { get; set; } = new StabilityOptions().RandomSamples;

    public int StabilitySearchSteps { get; set; } = new StabilityOptions().SearchSteps;

    /// <summary>Random directions per search step (each costs two queries of every member).</summary>
    public int StabilityDirections { get; set; } = new StabilityOptions().Directions;

    public int StabilitySeed { get; set; } = 1;

    public StabilityOptions ToStabilityOptions() => new()
    {
        Enabled = StabilityCheck,
        Epsilon = StabilityEpsilon,
        RandomSamples = StabilityRandomSamples,
        SearchSteps = StabilitySearchSteps,
        Directions = StabilityDirections,
        Seed = StabilitySeed,
    };

    /// <summary>Sets every stability field from <paramref name="stability"/> (a queued item's check, on a worker); null turns the check off.</summary>
    public ScreeningOptions WithStability(StabilityOptions? stability)
    {
        StabilityCheck = stability is { Enabled: true };
        if (stability is { Enabled: true } check)
        {
            StabilityEpsilon = check.Epsilon;
            StabilityRandomSamples = check.RandomSamples;
            StabilitySearchSteps = check.SearchSteps;
            StabilityDirections = check.Directions;
            StabilitySeed = check.Seed;
        }

        return this;
    }

    /// <summary>
    /// Decode JPEG 2000 and JPEG-LS in codec host processes (key Screening:IsolateNativeCodecs), so a crash or hang in
    /// libopenjp2 or libcharls fails one file instead of the process. Off here (the CLI batch path resumes after a
    /// crash with its attempt limit); the web host and the DICOM node turn it on. Read by <see cref="CreatePixelDecoder"/>
    /// (AddScreening registers its result for the pipeline and the viewer); a pipeline built by hand takes the decoder
    /// as <see cref="ScreeningPipeline.PixelDecoder"/>.
    /// </summary>
    public bool IsolateNativeCodecs { get; set; }

    /// <summary>Longest one isolated native decode may take before its host is killed and the file fails.</summary>
    public double CodecTimeoutSeconds { get; set; } = 30;

    /// <summary>The codec host executable; unset = TbScreen.Dicom.CodecHost next to the application.</summary>
    public string? CodecHostPath { get; set; }

    /// <summary>The pixel decoder these options ask for; the caller disposes it (it owns the codec hosts when isolated).</summary>
    public PixelDataDecoder CreatePixelDecoder() => IsolateNativeCodecs
        ? PixelDataDecoder.Isolated(new CodecHostOptions { Timeout = TimeSpan.FromSeconds(CodecTimeoutSeconds), HostPath = CodecHostPath })
        : PixelDataDecoder.Default;

    public InferenceOptions ToInferenceOptions() => new() { IntraOpThreads = Threads, UseCuda = UseCuda };
}
